import { isoFromMs } from './iso-time';

describe('isoFromMs', () => {
  it('equals Date#toISOString on random instants, day boundaries and the extremes', () => {
    const samples = [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, 951_782_400_000];
    samples.push(-62_167_219_200_000, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, 1.5);
    for (let i = 0; i < 50_000; i++) samples.push(Math.floor((Math.random() - 0.3) * 4.2e12));
    for (let i = 0; i < 1000; i++) samples.push(1_796_000_000_000 + i * 3_600_123);
    for (const ms of samples) expect(isoFromMs(ms)).toBe(new Date(ms).toISOString());
  });
});
