import { ConnectionBudget } from './connection-budget';

describe('ConnectionBudget', () => {
  it('allows a burst, then the average rate, per connection', () => {
    let now = 0;
    const budget = new ConnectionBudget(20, 40, () => now);
    const a = {};
    const b = {};
    for (let i = 0; i < 40; i++) expect(budget.allow(a)).toBe(true);
    expect(budget.allow(a)).toBe(false);
    expect(budget.allow(b)).toBe(true); // another connection has its own budget
    now += 100; // 2 tokens back
    expect(budget.allow(a)).toBe(true);
    expect(budget.allow(a)).toBe(true);
    expect(budget.allow(a)).toBe(false);
    now += 60_000; // refills up to the burst, not beyond
    for (let i = 0; i < 40; i++) expect(budget.allow(a)).toBe(true);
    expect(budget.allow(a)).toBe(false);
  });
});
