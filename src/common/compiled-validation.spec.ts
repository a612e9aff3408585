import { ArgumentMetadata } from '@nestjs/common';
import { fastCheckFor } from './compiled-validation';
import { createValidationPipe } from './validation';
import { CreateBoardDto, BoardListQueryDto, UpdateBoardDto } from '../leaderboard/dto/board.dto';
import { AroundQueryDto, LookupDto, PageQueryDto } from '../leaderboard/dto/standings.dto';
import { PlayerStandingsQueryDto } from '../leaderboard/dto/player-standings.dto';
import {
  PurgeQueryDto,
  SeedSubmitDto,
  SubmitBatchDto,
  SubmitScoreDto,
} from '../scores/dto/submit.dto';
import { SubscribeDto, UnsubscribeDto } from '../realtime/dto/live.dto';

// The fast path must never accept what the full pipe refuses, and must build the same value
// when both accept. Checked on random inputs shaped like each DTO's fields, plus mutations.

let seed = 20261130;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const SCALARS: unknown[] = [
  0,
  1,
  -1,
  25,
  1000,
  1001,
  1.5,
  -0,
  9007199254740991,
  9007199254740992,
  -9007199254740991,
  1e21,
  '',
  'a',
  'alice',
  'bob.smith@x',
  'x'.repeat(64),
  'x'.repeat(65),
  'p'.repeat(128),
  'p'.repeat(129),
  'has space',
  'tab\there',
  'ünï',
  '0',
  '10',
  '-5',
  '1e3',
  '0x10',
  ' 5',
  'desc',
  'asc',
  'best',
  'latest',
  'increment',
  'competition',
  'dense',
  'ordinal',
  '0 0 * * *',
  '*/5 * * * * *',
  'bad cron',
  'UTC',
  'Europe/Berlin',
  'Mars/Olympus',
  true,
  false,
  null,
  [],
  ['a'],
  ['a', 'b'],
  [1],
  {},
  { a: 1 },
  { constructor: 1 },
  { nested: { deep: [1, 2, { x: 'y' }] } },
  { big: 'y'.repeat(1100) },
  [{ playerId: 'a', score: 1 }],
  [{ playerId: 'a', score: 1.5 }],
  [{ name: 'gold', topPercent: 1 }],
  [{ name: 'gold', minRank: 1, maxRank: 3 }],
];

const EXTRA_KEYS = ['extra', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

function propertyNames(cls: new () => object): string[] {
  // The fields class-validator knows about, from a compiled check's point of view: try each
  // scalar on a fresh instance's keys plus the decorated names.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getMetadataStorage } = require('class-validator') as typeof import('class-validator');
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false, undefined);
  return [...new Set(metas.map((m) => m.propertyName))];
}

function randomInput(cls: new () => object, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (rand() < 0.25) continue;
    out[name] = pick(SCALARS);
  }
  if (rand() < 0.05) out[pick(EXTRA_KEYS)] = 1;
  return out;
}

/** A valid-looking instance found by sampling, then mutated one field at a time. */
function nearMisses(valid: Record<string, unknown>, names: string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const name of names) {
    for (let i = 0; i < 6; i++) out.push({ ...valid, [name]: pick(SCALARS) });
    const without = { ...valid };
    delete without[name];
    out.push(without);
  }
  return out;
}

const pipe = createValidationPipe();

async function slow(value: unknown, meta: ArgumentMetadata): Promise<object | undefined> {
  // The full pipe, with the fast path out of the way: validate a deep copy through the parent
  // class's transform, as the pipe does on the fallback.
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(pipe)) as {
    transform: (v: unknown, m: ArgumentMetadata) => Promise<object>;
  };
  try {
    // A JSON copy, made in this realm: structuredClone's objects have another realm's
    // Object.prototype under Jest, which the pipe's plain-object check (rightly) does not take
    // for a plain object (it refused `metadata: {constructor: 1}` here, never over HTTP).
    return await proto.transform.call(pipe, JSON.parse(JSON.stringify(value)) as unknown, meta);
  } catch {
    return undefined;
  }
}

/** A known-valid input per DTO, so near misses around the accepting side are tried too. */
const VALID = new Map<new () => object, Record<string, unknown>>([
  [
    SubmitScoreDto,
    { playerId: 'alice', score: 3, subscores: [2, -7], displayName: 'A', metadata: { a: 1 } },
  ],
  [SubmitBatchDto, { entries: [{ playerId: 'a', score: 1 }] }],
  [LookupDto, { playerIds: ['a', 'b'] }],
  [PurgeQueryDto, { minScore: '1', maxScore: '10' }],
  [SeedSubmitDto, { player_id: 'a', score: 1 }],
  [
    CreateBoardDto,
    {
      id: 'weekly',
      title: 'Weekly',
      sortOrder: 'desc',
      updateMode: 'best',
      rankMode: 'competition',
      resetSchedule: '0 0 * * 1',
      timezone: 'UTC',
      minScore: 0,
      maxScore: 1000,
      retainPeriods: 3,
      tiers: [{ name: 'gold', topPercent: 1 }],
      tiebreakers: [
        { name: 'kills', order: 'desc' },
        { name: 'time', order: 'asc' },
      ],
    },
  ],
  [UpdateBoardDto, { title: 'New', resetSchedule: null, tiers: [{ name: 'gold', topPercent: 5 }] }],
  [SubscribeDto, { leaderboardId: 'global', top: 10, playerIds: ['a'] }],
  [UnsubscribeDto, { leaderboardId: 'global' }],
]);

const CASES: [new () => object, ArgumentMetadata['type'], boolean][] = [
  [SubmitScoreDto, 'body', true],
  [SubmitBatchDto, 'body', true],
  [PageQueryDto, 'query', true],
  [AroundQueryDto, 'query', true],
  [LookupDto, 'body', true],
  [PurgeQueryDto, 'query', true],
  [SeedSubmitDto, 'body', true],
  [BoardListQueryDto, 'query', true],
  [PlayerStandingsQueryDto, 'query', true],
  [CreateBoardDto, 'body', false],
  [UpdateBoardDto, 'body', false],
  [SubscribeDto, 'body', false],
  [UnsubscribeDto, 'body', false],
];

describe('compiled (fast path) validation', () => {
  it.each(CASES)('%p: compiles where expected', (cls, _type, expected) => {
    if (expected) expect(fastCheckFor(cls)).not.toBeNull();
  });

  it.each(CASES)('%p: never accepts what the full pipe refuses', async (cls, type) => {
    const check = fastCheckFor(cls);
    if (!check) return;
    const names = propertyNames(cls);
    const meta: ArgumentMetadata = { type, metatype: cls };
    const inputs: Record<string, unknown>[] = [];
    for (let i = 0; i < 400; i++) inputs.push(randomInput(cls, names));
    const valid = VALID.get(cls);
    if (valid) inputs.push(valid, ...nearMisses(valid, names));
    // Query DTOs see strings only.
    const shaped = (v: Record<string, unknown>): Record<string, unknown> =>
      type === 'query'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x as string)]))
        : v;
    let accepted = 0;
    for (const raw of inputs) {
      const input = shaped(raw);
      const fast = check(structuredClone(input));
      const full = await slow(input, meta);
      if (fast) {
        accepted++;
        expect(full).toBeDefined();
        expect(fast).toBeInstanceOf(cls);
        // Plain JSON of both (the values are JSON): class-transformer's instanceToPlain throws
        // on a free-form object with a `constructor` key, which the pipe accepts in `metadata`.
        expect(JSON.stringify(fast)).toEqual(JSON.stringify(full));
        for (const near of nearMisses(input, names)) {
          const shapedNear = shaped(near);
          const f = check(structuredClone(shapedNear));
          if (f) expect(await slow(shapedNear, meta)).toBeDefined();
        }
      }
    }
    // The generator must reach the accepting side too, or the test proves nothing.
    expect(accepted).toBeGreaterThan(0);
  });

  it('a batch of valid entries takes the fast path and keeps metadata exactly as sent', () => {
    const check = fastCheckFor(SubmitBatchDto)!;
    const entries = [
      { playerId: 'a', score: 1, metadata: { constructor: 'kept', toString: 2 } },
      { playerId: 'b', score: -9007199254740991, displayName: 'Bee' },
    ];
    const built = check({ entries }) as SubmitBatchDto;
    expect(built).toBeInstanceOf(SubmitBatchDto);
    expect(built.entries).toEqual(entries);
    expect(check({ entries: [{ playerId: 'a', score: 1.5 }] })).toBeUndefined();
    expect(check({ entries: [] })).toBeUndefined();
    expect(check({ entries: [{ playerId: 'a', score: 1, extra: 1 }] })).toBeUndefined();
  });

  it('query transforms run as class-transformer runs them, defaults included', () => {
    const check = fastCheckFor(PageQueryDto)!;
    expect(check({})).toEqual(Object.assign(new PageQueryDto(), { offset: 0, limit: 25 }));
    expect(check({ limit: '10' })).toMatchObject({ offset: 0, limit: 10 });
    expect(check({ limit: '' })).toBeUndefined();
    expect(check({ limit: '1e3' })).toBeUndefined();
    expect(check({ limit: ['1', '2'] })).toBeUndefined();
  });
});
