import { verifyHandlers } from './job-handlers';
import { JOBS, JobName, QueueName } from './queue-names';

const all = (Object.entries(JOBS) as [QueueName, readonly JobName[]][]).flatMap(([queue, names]) =>
  names.map((job) => ({ target: { queue, job }, owner: `H.${job}` })),
);

describe('verifyHandlers', () => {
  it('accepts exactly one handler per declared job', () => {
    expect(verifyHandlers(all)).toEqual([]);
  });
  it('names a job without a handler', () => {
    expect(verifyHandlers(all.filter((h) => h.target.job !== 'sweep'))).toEqual([
      'job "maintenance/sweep" has 0 handlers; it needs exactly one',
    ]);
  });
  it('names a job with two handlers', () => {
    const twice = [
      ...all,
      { target: { queue: 'resets' as const, job: 'reset' as const }, owner: 'Other.reset' },
    ];
    expect(verifyHandlers(twice)[0]).toMatch(
      /resets\/reset" has 2 handlers \(H.reset, Other.reset\)/,
    );
  });
  it('names a handler for an undeclared job', () => {
    const stray = [
      ...all,
      { target: { queue: 'ranking' as const, job: 'prune' as const }, owner: 'X.prune' },
    ];
    expect(verifyHandlers(stray)).toEqual(['X.prune handles undeclared job "ranking/prune"']);
  });
});
