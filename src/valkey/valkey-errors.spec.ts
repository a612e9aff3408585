import { ReplyError } from 'ioredis';
import {
  isValkeyUnavailable,
  ValkeyNotReplicatedError,
  ValkeyUnavailableError,
  valkeyFailureOutcome,
} from './valkey-errors';

/** ioredis's own errors, by the messages and names it rejects commands with. */
const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });

describe('Valkey failures: applied or not', () => {
  it.each([
    ['a command timeout (sent, no answer yet)', new Error('Command timed out'), 'unknown'],
    [
      'the connection closing with the command in flight',
      new Error('Connection is closed.'),
      'unknown',
    ],
    [
      'in-flight commands failed on a reconnect',
      named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 0).'),
      'unknown',
    ],
    ['a connection reset', new Error('read ECONNRESET'), 'unknown'],
    [
      'no connection to write to (no offline queue)',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      'not-applied',
    ],
    ['a refused connection', new Error('connect ECONNREFUSED 127.0.0.1:6379'), 'not-applied'],
    [
      'a server still loading its data',
      new ReplyError('LOADING Valkey is loading the dataset in memory'),
      'not-applied',
    ],
    ['a busy server', new ReplyError('BUSY Valkey is busy running a script'), 'not-applied'],
    ['a slot moved during a failover', new ReplyError('MOVED 7674 127.0.0.1:7001'), 'not-applied'],
    [
      'a cluster without a ready node',
      new Error("Cluster isn't ready and enableOfflineQueue options is false"),
      'not-applied',
    ],
  ] as const)('%s is unavailable, outcome %s', (_what, err, outcome) => {
    expect(isValkeyUnavailable(err)).toBe(true);
    expect(valkeyFailureOutcome(err)).toBe(outcome);
    expect(new ValkeyUnavailableError(err).outcome).toBe(outcome);
  });

  it('never says "unknown" for a command that cannot write', () => {
    expect(new ValkeyUnavailableError(new Error('Command timed out'), false).outcome).toBe(
      'not-applied',
    );
  });

  it('says "unknown" for a write no replica confirmed (durable writes)', () => {
    const err = new ValkeyNotReplicatedError(0, 1);
    expect(isValkeyUnavailable(err)).toBe(true);
    expect(err.outcome).toBe('unknown');
    expect(valkeyFailureOutcome(err)).toBe('unknown');
  });

  it('leaves script errors and bugs alone', () => {
    expect(isValkeyUnavailable(new ReplyError('ERR Error running script'))).toBe(false);
    expect(isValkeyUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});
