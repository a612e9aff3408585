import { Logger } from '@nestjs/common';
import { shutdownStep } from './shutdown';

describe('shutdownStep', () => {
  const logger = new Logger('test');
  let warn: jest.SpyInstance;
  let debug: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    debug = jest.spyOn(logger, 'debug').mockImplementation(() => undefined);
  });

  it('reports a finished step with its duration at debug level', async () => {
    expect(await shutdownStep(logger, 'quick', 1000, () => undefined)).toBe(true);
    expect(debug).toHaveBeenCalledWith(expect.objectContaining({ step: 'quick' }));
    expect(warn).not.toHaveBeenCalled();
  });

  it('moves on when a step outlives its bound, and says so', async () => {
    const started = Date.now();
    const never = new Promise(() => undefined);
    expect(await shutdownStep(logger, 'stuck', 50, () => never)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ step: 'stuck' }));
  });

  it('logs a failed step and does not throw', async () => {
    const failing = () => Promise.reject(new Error('boom'));
    expect(await shutdownStep(logger, 'failing', 1000, failing)).toBe(true);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ msg: expect.stringContaining('boom') }),
    );
  });
});
