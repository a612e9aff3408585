/**
 * Fuzzing from the OpenAPI document (issue 15, "Prove it under fire"): every operation the
 * running app publishes at /openapi.json gets requests generated from its parameters and body
 * schema — valid ones, and ones with exactly one thing broken: wrong types, huge and deep
 * bodies, unicode and control characters, hash-tag braces, path tricks (`..`, `%2e%2e`, `//`,
 * encoded slashes), duplicated headers, bad auth. The oracle: never a 5xx (nor a hang), every
 * 4xx is application/problem+json, a request made to be rejected is never accepted, and a
 * rejected request changes no state (a digest of every key but rate-limit counters,
 * idempotency records and BullMQ's queue keys).
 *
 * Phase A sends rejected-only requests (plus reads) concurrently, the state checked around
 * each batch; phase B sends mostly-valid requests one at a time, the state checked around
 * each one; phase C sends bytes no HTTP client would. `FUZZ_SEED` replays a run, `FUZZ_RUNS`
 * scales it (default 8,000 + 2,500 + raw cases).
 *
 * Which path segments a route refuses is asked of the route's own pipes (`@Param(name, Pipe)`,
 * test/support/route-params.ts), not written down here; a path parameter without a pipe, or
 * without valid values in `pathValue`, fails the test at once, naming the route and parameter.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ValkeyServerProcess } from '../src/valkey/valkey-server-process';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { ParamCheck, pathParamChecks } from './support/route-params';
import { waitFor } from './support/wait';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_500);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const PHASE_A = Math.round(RUNS * 0.76);
const PHASE_B = RUNS - PHASE_A;
const BATCH = 250;
const CONCURRENCY = 16;

const BOARDS = ['global', 'fz-desc', 'fz-asc', 'fz-inc', 'fz-sched'];
const NEW_BOARDS = ['fz-new-a', 'fz-new-b', 'fz-new-c'];
const LONG_ID = ':@'.repeat(64);
const PLAYERS = [
  LONG_ID,
  'alice',
  'bob',
  'p.1',
  'p-2',
  'p_3',
  'a@b',
  'x:y',
  'Z',
  '0',
  ...Array.from({ length: 30 }, (_, i) => `fz${i}`),
];
const PERIODS = ['0000000001', '0000000002', '0000000003', '9999999999'];
const CRONS = ['0 0 * * 1', '*/5 * * * * *', '0 0 1 * *', '30 4 * * MON'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
const PROTO_NAMES = ['toString', 'constructor', 'prototype', 'valueOf', 'hasOwnProperty'];

// ---------------------------------------------------------------------------------------------
// The OpenAPI document, as operations

interface Schema {
  $ref?: string;
  type?: string;
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  deprecated?: boolean;
  nullable?: boolean;
}

interface Op {
  /** "METHOD /template" */
  key: string;
  method: string;
  template: string;
  pathParams: string[];
  /** Each path parameter's validation, read from the route's pipes (`withPathChecks`). */
  pathChecks: Record<string, ParamCheck>;
  query: { name: string; required: boolean; schema: Schema }[];
  headers: string[];
  body?: Schema;
  scope: 'public' | 'submit' | 'admin';
  /** Changes state when it succeeds (reads and the friends lookup do not). */
  writes: boolean;
}

function operations(doc: {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
}): { ops: Op[]; resolve: (s: Schema) => Schema } {
  const resolve = (s: Schema): Schema =>
    s.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s;
  const ops: Op[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [m, o] of Object.entries(methods)) {
      const method = m.toUpperCase();
      const params = (o.parameters ?? []) as { in: string; name: string; required?: boolean }[];
      const secured = Array.isArray(o.security) && o.security.length > 0;
      const submit = /\/scores(\/batch)?$|^\/submit-score$/.test(template);
      ops.push({
        key: `${method} ${template}`,
        method,
        template,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        pathChecks: {},
        query: params
          .filter((p) => p.in === 'query')
          .map((p: any) => ({ name: p.name, required: !!p.required, schema: p.schema ?? {} })),
        headers: params.filter((p) => p.in === 'header').map((p) => p.name),
        body: o.requestBody?.content?.['application/json']?.schema,
        scope: secured ? (submit ? 'submit' : 'admin') : 'public',
        writes: method !== 'GET' && !template.endsWith('/lookup'),
      });
    }
  }
  return { ops, resolve };
}

// ---------------------------------------------------------------------------------------------
// Values

const safeDecode = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};
const validSegment = (check: ParamCheck, segment: string): boolean => {
  const decoded = safeDecode(segment);
  return decoded !== null && check(decoded);
};

const validPlayerId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PLAYERS) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,12}$/) },
);
const pathValue: Record<string, fc.Arbitrary<string>> = {
  id: fc.constantFrom(...BOARDS, ...BOARDS, NEW_BOARDS[0], 'no-such-board'),
  playerId: validPlayerId,
  periodId: fc.constantFrom(...PERIODS),
  webhookId: fc.constantFrom('wh_000000000000000000000000', 'wh_0123456789abcdef01234567'),
  cohortId: fc.constantFrom('1', '2', '999999999'),
};

/** Segments (already on the wire) that fail some validation or other. */
const BROKEN_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E',
  '%2F',
  'a%2Fb',
  '%5C',
  '%00',
  '%0A',
  '%0D%0A',
  '%7Blb%3Aglobal%7D',
  '%7B%7D',
  '%7Bfz-desc%7D',
  '%C3%A9',
  '%F0%9F%8E%AE',
  '%20',
  '%',
  '%zz',
  '%E0%A4%A',
  '',
  'A',
  '-a',
  'Global',
  'a'.repeat(129),
  'x'.repeat(5000),
  '00000000001',
  'abcdefghij',
  'a%23b',
  'a%3Fb',
  'a%2Cb',
  '%EF%BF%BF',
];

/** Path segments (already on the wire) that must fail the parameter's validation. */
const brokenSegment = (check: ParamCheck): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom(...BROKEN_SEGMENTS),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).map(encodeURIComponent),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).map((s) =>
        // Lone surrogates cannot be percent-encoded as UTF-8: keep the rest.
        encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '')),
      ),
    )
    .filter((segment) => !validSegment(check, segment));

/**
 * Gives every operation its path parameters' validation, read from the app's routes, or throws
 * naming the route and parameter: brokenSegment draws until its check refuses a segment, so a
 * parameter without one (nothing validates it, or nothing refuses the canned broken segments)
 * would hang the fuzz, and one without valid values would only ever be refused.
 */
function withPathChecks(ops: Op[], routes: Map<string, Map<string, ParamCheck>>): Op[] {
  return ops.map((op) => {
    const checks = routes.get(op.key);
    if (!checks)
      throw new Error(`${op.key}: /openapi.json lists it, but no controller route has it`);
    const pathChecks: Record<string, ParamCheck> = {};
    for (const param of op.pathParams) {
      const check = checks.get(param);
      const where = `${op.key}: path parameter {${param}}`;
      if (!check)
        throw new Error(
          `${where} has no validation pipe, so the fuzz cannot draw values it refuses`,
        );
      if (!BROKEN_SEGMENTS.some((segment) => !validSegment(check, segment)))
        throw new Error(`${where} accepts every canned broken segment; add one it refuses`);
      const values = pathValue[param];
      if (!values) throw new Error(`${where} has no valid values in the fuzz's pathValue table`);
      const refused = fc.sample(values, 50).find((v) => !check(v));
      if (refused !== undefined)
        throw new Error(`${where} refuses ${JSON.stringify(refused)} from pathValue`);
      pathChecks[param] = check;
    }
    return { ...op, pathChecks };
  });
}

const int = (min = -(2 ** 53 - 1), max = 2 ** 53 - 1): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: Math.max(min, -1e6), max: Math.min(max, 1e6) }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    // Anywhere in the range: a filter over every safe integer would almost never pass for a
    // small range (cohortSize, league promote/demote…) and fast-check would spin on it.
    {
      weight: 1,
      arbitrary:
        max - min <= 2 ** 31
          ? fc.integer({ min, max })
          : fc.maxSafeInteger().filter((n) => n >= min && n <= max),
    },
  );

/** Values that break a named body field whatever the rest of the body says. */
const BROKEN_FIELD: Record<string, unknown[]> = {
  playerId: ['', 'a b', '{x}', 'é', 'a'.repeat(129), 123, null, ['a'], '\u0000', 'a/b', {}],
  player_id: ['', 'a b', '{lb:x}', 'é', 'a'.repeat(129), 123, null, ['a'], '\t'],
  score: [1.5, '10', 2 ** 53, -(2 ** 53), null, true, {}, [], 1e308, -0.5, '1e3'],
  displayName: ['', 'x'.repeat(65), 'a\u0000b', 'a\nb', 'a\u007fb', 5, null, {}, ['x']],
  metadata: [[], 'x', 5, null, true, { big: 'x'.repeat(1100) }],
  entries: [[], 'x', null, {}, [1], [null], ['x'], [[]]],
  playerIds: ['x', null, [1], [''], Array(101).fill('a'), [{}], ['a b'], [null], {}],
  id: ['', 'A', '-a', 'a'.repeat(65), 5, null, 'a b', '{x}', 'é', ['a']],
  title: ['', 'x'.repeat(101), 5, null, {}, []],
  sortOrder: ['up', 5, null, ''],
  updateMode: ['max', 5, null, 'BEST'],
  rankMode: ['x', 5, null],
  resetSchedule: ['* * *', 'every monday', 5, '61 * * * *', '* * * * * * *', {}, []],
  timezone: ['Mars/Olympus', 5, '', null, 'x'.repeat(100)],
  minScore: [1.5, '0', 2 ** 53, null, {}],
  maxScore: [1.5, '0', 2 ** 53, null, []],
  retainPeriods: [-1, 366, 1.5, '7', null],
  tiers: ['x', [{}], [{ name: '', topPercent: 1 }], [{ name: 'g' }], [5], null],
  rewards: ['x', [{}], [{ fromRank: 0, toRank: 1, reward: 1 }], [{ fromRank: 1, toRank: 1 }], null],
  resultsTop: [0, 10_001, 1.5, '5', null],
  url: ['', 'not a url', 'ftp://x/y', 'http://u:p@x/', 5, null],
  events: [[], ['nope'], 'period.closed', ['period.closed', 'period.closed'], null],
  secret: ['short', 'has a space in it!', 5, null],
};

/** A valid value for a body field, from its schema (and the name, where the schema is loose). */
function fieldValue(
  name: string,
  schema: Schema,
  resolve: (s: Schema) => Schema,
): fc.Arbitrary<unknown> {
  switch (name) {
    case 'playerId':
    case 'player_id':
      return validPlayerId;
    case 'score':
      return int();
    case 'minScore':
      return int(-(2 ** 53 - 1), 0);
    case 'maxScore':
      return int(1_000_000, 2 ** 53 - 1);
    case 'resetSchedule':
      return fc.oneof(fc.constantFrom(...CRONS), fc.constant(null));
    case 'timezone':
      return fc.constantFrom(...ZONES);
    case 'displayName':
      return fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
        .filter((s) => s.length <= 64 && !/\p{Cc}/u.test(s));
    case 'metadata':
      return fc
        .oneof(
          fc.dictionary(
            fc
              .oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_NAMES))
              .filter((k) => k !== '__proto__'),
            fc.jsonValue({ maxDepth: 3 }),
            { maxKeys: 5 },
          ),
          fc.constant({ character: 'mage', level: 12 }),
        )
        .filter((m) => JSON.stringify(m).length <= 1024);
    case 'id':
      return fc.constantFrom(...NEW_BOARDS, ...BOARDS);
    case 'topPercent':
      return fc.double({ min: 0.01, max: 100, noNaN: true });
    case 'playerIds':
      return fc.array(validPlayerId, { maxLength: 12 });
    // Inside arrays fast-check draws with less bias, and int()'s filtered branch would hardly
    // ever land in a small range: ranks get their own.
    case 'fromRank':
    case 'toRank':
      return fc.integer({ min: 1, max: 120 });
    case 'resultsTop':
      return fc.integer({ min: 100, max: 10_000 });
  }
  const s = resolve(schema);
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type ?? '') {
    case 'string':
      return s.pattern
        ? fc.stringMatching(new RegExp(s.pattern))
        : fc.string({
            unit: 'grapheme',
            minLength: s.minLength ?? 0,
            maxLength: Math.min(s.maxLength ?? 20, 20),
          });
    case 'number':
    case 'integer':
      return int(s.minimum, s.maximum);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fieldValue('', s.items ?? {}, resolve), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 5, 5),
      });
    case 'object':
      return s.properties ? objectValue(s, resolve) : fc.constant({});
    default:
      return fc.constant(null);
  }
}

/** A valid object for a schema: required properties and some optional ones. */
function objectValue(
  schema: Schema,
  resolve: (s: Schema) => Schema,
): fc.Arbitrary<Record<string, unknown>> {
  const s = resolve(schema);
  const props = Object.entries(s.properties ?? {}).filter(([, p]) => !p.deprecated);
  const model = Object.fromEntries(props.map(([k, p]) => [k, fieldValue(k, p, resolve)]));
  return fc.record(model, { requiredKeys: s.required ?? [] });
}

// ---------------------------------------------------------------------------------------------
// Requests

interface Spec {
  route: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
  mutation: string;
  /** A write with something broken on purpose: any 2xx is a finding. */
  mustReject: boolean;
}

type Mutation =
  | { kind: 'none' }
  | { kind: 'auth'; auth: Record<string, string>; label: string }
  | { kind: 'path'; param: string; segment: string }
  | { kind: 'query'; query: string; label: string }
  | { kind: 'body'; body: string; contentType?: string; label: string }
  | { kind: 'idempotency'; key: string };

const json = (v: unknown): string => JSON.stringify(v);
const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

function mutations(op: Op, resolve: (s: Schema) => Schema, valid: Record<string, unknown> | null) {
  const list: fc.Arbitrary<Mutation>[] = [];
  if (op.scope !== 'public') {
    const bad = fc.constantFrom<[Record<string, string>, string]>(
      [{}, 'auth:none'],
      [{ authorization: 'Bearer wrong-key-0123456789abcdef' }, 'auth:wrong'],
      [{ authorization: 'Bearer ' }, 'auth:empty'],
      [{ authorization: 'Basic dGVzdDp0ZXN0' }, 'auth:basic'],
      [{ authorization: `Bearer ${ADMIN_KEY}x` }, 'auth:suffix'],
      [{ authorization: `Bearer ${ADMIN_KEY.slice(0, -1)}` }, 'auth:truncated'],
      [{ 'x-api-key': 'nope' }, 'auth:x-api-key-wrong'],
      [{ authorization: `Token ${ADMIN_KEY}` }, 'auth:scheme'],
    );
    list.push(bad.map(([auth, label]) => ({ kind: 'auth' as const, auth, label })));
    if (op.scope === 'admin')
      list.push(
        fc.constantFrom<Mutation>(
          {
            kind: 'auth',
            auth: { authorization: `Bearer ${SUBMIT_KEY}` },
            label: 'auth:submit-on-admin',
          },
          { kind: 'auth', auth: { 'x-api-key': SUBMIT_KEY }, label: 'auth:submit-on-admin' },
        ),
      );
  }
  for (const param of op.pathParams)
    list.push(
      brokenSegment(op.pathChecks[param]).map((segment) => ({
        kind: 'path' as const,
        param,
        segment,
      })),
    );
  if (op.query.length > 0) {
    const q = fc.constantFrom(...op.query).chain((p) =>
      fc
        .constantFrom(
          '-1',
          'abc',
          '1.5',
          '1e3',
          '',
          '%205',
          '0x10',
          '99999999999999999999',
          '%C3%A9',
          '%00',
          ...(p.schema.minimum === 1 ? ['0'] : []),
          ...(p.schema.maximum !== undefined ? [String(p.schema.maximum + 1)] : []),
        )
        .map((v) => ({
          kind: 'query' as const,
          query: `${p.name}=${v}`,
          label: `query:${p.name}`,
        })),
    );
    list.push(
      q,
      fc
        .constantFrom('foo=1', 'toString=1', '__proto__=1', 'constructor=1', 'limit[a]=1')
        .map((extra) => ({ kind: 'query' as const, query: extra, label: 'query:unknown' })),
      fc.constantFrom(...op.query).map((p) => ({
        kind: 'query' as const,
        query: `${p.name}=1&${p.name}=2`,
        label: 'query:twice',
      })),
    );
    const required = op.query.filter((p) => p.required);
    if (required.length > 0)
      list.push(
        fc.constantFrom(...required).map((p) => ({
          kind: 'query' as const,
          query: `!${p.name}`,
          label: 'query:missing',
        })),
      );
  }
  if (op.body && valid) {
    const s = resolve(op.body);
    const props = Object.keys(s.properties ?? {}).filter((k) => !s.properties![k].deprecated);
    const body = (b: string, label: string, contentType?: string): Mutation => ({
      kind: 'body',
      body: b,
      label,
      contentType,
    });
    list.push(
      fc.constantFrom(
        body('null', 'body:null'),
        body('[]', 'body:array'),
        body('"text"', 'body:string'),
        body('42', 'body:number'),
        body('true', 'body:boolean'),
        body('', 'body:empty'),
        body('{', 'body:truncated'),
        body("{'a':1}", 'body:not-json'),
        body(`${json(valid)}x`, 'body:trailing-garbage'),
        body(json(valid).replace(/^\{/, '{"a":1,"a":'), 'body:broken-json'),
        body(json(valid), 'body:text-plain', 'text/plain'),
        body(
          new URLSearchParams(
            Object.entries(valid).map(([k, v]) => [k, typeof v === 'string' ? v : json(v)]),
          ).toString(),
          'body:form',
          'application/x-www-form-urlencoded',
        ),
        body(json(valid), 'body:octets', 'application/octet-stream'),
        body(json({ ...valid, pad: 'x'.repeat(70_000) }), 'body:huge'),
      ),
      fc
        .integer({ min: 33, max: 20_000 })
        .map((d) => body(json(valid).replace(/\}$/, `,"deep":${deep(d)}}`), 'body:deep')),
      fc
        .constantFrom('foo', '', 'PlayerId', 'score ', '__proto__', ...PROTO_NAMES)
        .map((k) => body(json(valid).replace(/^\{/, `{${json(k)}:1,`), 'body:unknown-field')),
    );
    const breakable = props.filter((k) => BROKEN_FIELD[k]);
    if (breakable.length > 0)
      list.push(
        fc
          .constantFrom(...breakable)
          .chain((k) =>
            fc
              .constantFrom(...BROKEN_FIELD[k])
              .map((v) => body(json({ ...valid, [k]: v }), `body:field:${k}`)),
          ),
      );
    if (props.includes('entries') && Array.isArray(valid.entries) && valid.entries.length > 0) {
      const entries = valid.entries as Record<string, unknown>[];
      list.push(
        fc
          .tuple(
            fc.nat({ max: entries.length - 1 }),
            fc.constantFrom('playerId', 'score', 'displayName', 'metadata'),
          )
          .chain(([i, k]) =>
            fc
              .constantFrom(...BROKEN_FIELD[k])
              .map((v) =>
                body(
                  json({ entries: entries.map((e, j) => (j === i ? { ...e, [k]: v } : e)) }),
                  `body:entry-field:${k}`,
                ),
              ),
          ),
        fc.constant(body(json({ entries: Array(1001).fill(entries[0]) }), 'body:entries-1001')),
      );
    }
    if (op.template === '/v1/leaderboards/{id}' && op.method === 'PATCH')
      list.push(
        fc
          .constantFrom(
            ['sortOrder', 'asc'],
            ['updateMode', 'latest'],
            ['rankMode', 'dense'],
            ['id', 'x'],
          )
          .map(([k, v]) => body(json({ ...valid, [k]: v }), 'body:immutable')),
      );
  }
  if (/\/scores(\/batch)?$/.test(op.template))
    list.push(
      fc
        .integer({ min: 129, max: 300 })
        .map((n) => ({ kind: 'idempotency' as const, key: 'k'.repeat(n) })),
    );
  return list;
}

/** Harmless extras that never repair a broken request: duplicated and odd headers. */
const decorations = fc.record(
  {
    requestId: fc.constantFrom<string | string[]>(
      ['a', 'b'],
      'x'.repeat(200),
      'é-latin1',
      '..',
      'ok-1',
    ),
    accept: fc.constantFrom<string | string[]>(
      ['application/json', 'text/html'],
      '*/*',
      'application/problem+json',
    ),
    forwarded: fc.constantFrom('1.2.3.4, 5.6.7.8', 'garbage', '::1'),
    apiKeyTwice: fc.constant<string[]>(['nope-1', 'nope-2']),
    rateLimitHeader: fc.constantFrom('5', '-1', 'x'),
    contentType: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'Application/JSON',
    ),
  },
  { requiredKeys: [] },
);

function spec(
  op: Op,
  resolve: (s: Schema) => Schema,
  mode: 'reject' | 'valid',
): fc.Arbitrary<Spec> {
  // Deleting the seeded boards would leave little to fuzz: deletes aim at boards made here.
  const values: Record<string, fc.Arbitrary<string>> = op.key === 'DELETE /v1/leaderboards/{id}'
    ? { id: fc.constantFrom(...NEW_BOARDS, 'global', 'no-such-board') }
    : pathValue;
  const params = fc.record(
    Object.fromEntries(op.pathParams.map((p) => [p, values[p]])),
  ) as fc.Arbitrary<Record<string, string>>;
  const query = fc.record(
    Object.fromEntries(
      op.query.map((q) => [q.name, int(q.schema.minimum ?? -1e6, q.schema.maximum ?? 1e6)]),
    ),
    { requiredKeys: op.query.filter((q) => q.required).map((q) => q.name) },
  ) as fc.Arbitrary<Record<string, number>>;
  const body = op.body ? objectValue(op.body, resolve) : fc.constant(null);
  const auth =
    op.scope === 'admin'
      ? fc.constantFrom<Record<string, string>>(
          { authorization: `Bearer ${ADMIN_KEY}` },
          { 'x-api-key': ADMIN_KEY },
        )
      : op.scope === 'submit'
        ? fc.constantFrom<Record<string, string>>(
            { authorization: `Bearer ${SUBMIT_KEY}` },
            { 'x-api-key': SUBMIT_KEY },
            { authorization: `Bearer ${ADMIN_KEY}` },
          )
        : fc.constantFrom<Record<string, string>>({}, {}, { authorization: 'Bearer whatever' });
  const idem = /\/scores(\/batch)?$/.test(op.template)
    ? fc.option(fc.constantFrom('k1', 'k2', 'k3', 'retry-42'), { freq: 3 })
    : fc.constant(null);

  return fc
    .tuple(params, query, body, auth, idem, decorations, fc.boolean())
    .chain(([p, q, b, a, k, deco, decorate]) => {
      const muts = mutations(op, resolve, b);
      const none = fc.constant<Mutation>({ kind: 'none' });
      const mutation =
        mode === 'valid'
          ? fc.oneof(
              { weight: 7, arbitrary: none },
              { weight: 3, arbitrary: muts.length ? fc.oneof(...muts) : none },
            )
          : muts.length
            ? fc.oneof(...muts)
            : none;
      return mutation.map((m): Spec => {
        const segments: Record<string, string> = Object.fromEntries(
          Object.entries(p).map(([k, v]) => [k, encodeURIComponent(v)]),
        );
        if (m.kind === 'path') segments[m.param] = m.segment;
        let path = op.template.replace(/\{(\w+)\}/g, (_, name: string) => segments[name]);
        let qs = Object.entries(q).map(([k, v]) => `${k}=${v}`);
        if (m.kind === 'query') {
          if (m.query.startsWith('!')) qs = qs.filter((x) => !x.startsWith(`${m.query.slice(1)}=`));
          else qs.push(m.query);
        }
        if (qs.length > 0) path += `?${qs.join('&')}`;
        const headers: Record<string, string | string[]> = { ...(m.kind === 'auth' ? m.auth : a) };
        if (k) headers['idempotency-key'] = k;
        if (m.kind === 'idempotency') headers['idempotency-key'] = m.key;
        let payload: string | undefined;
        if (m.kind === 'body') {
          payload = m.body;
          headers['content-type'] = m.contentType ?? 'application/json';
        } else if (b !== null) {
          payload = json(b);
          headers['content-type'] = 'application/json';
        }
        if (decorate) {
          if (deco.requestId) headers['x-request-id'] = deco.requestId;
          if (deco.accept) headers.accept = deco.accept;
          if (deco.forwarded) headers['x-forwarded-for'] = deco.forwarded;
          if (deco.apiKeyTwice && !headers['x-api-key'] && !headers.authorization)
            headers['x-api-key'] = deco.apiKeyTwice;
          if (deco.rateLimitHeader && op.headers.includes('RateLimit-Remaining'))
            headers['ratelimit-remaining'] = deco.rateLimitHeader;
          if (deco.contentType && payload !== undefined && m.kind !== 'body')
            headers['content-type'] = deco.contentType;
        }
        const label =
          m.kind === 'none'
            ? 'valid'
            : m.kind === 'auth' || m.kind === 'query' || m.kind === 'body'
              ? m.label
              : m.kind === 'path'
                ? `path:${m.param}`
                : 'idempotency-key:too-long';
        return {
          route: op.key,
          method: op.method,
          path,
          headers,
          body: payload,
          mutation: label,
          mustReject: op.writes && m.kind !== 'none',
        };
      });
    });
}

// ---------------------------------------------------------------------------------------------
// Sending, the oracle, the state digest

interface Outcome {
  spec: Spec;
  status: number;
  contentType: string;
  body: string;
}

function send(port: number, agent: Agent, s: Spec): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const headers = { ...s.headers };
    if (s.body !== undefined) headers['content-length'] = String(Buffer.byteLength(s.body));
    const req = httpRequest(
      { host: '127.0.0.1', port, method: s.method, path: s.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            spec: s,
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () =>
      req.destroy(new Error(`no answer in 10 s: ${s.method} ${s.path}`)),
    );
    req.on('error', reject);
    req.end(s.body);
  });
}

/** What is wrong with an answer, or null. */
function verdict(o: Outcome): string | null {
  if (o.status >= 500) return `${o.status}: ${o.body.slice(0, 300)}`;
  if (o.status >= 400) {
    if (!o.contentType.startsWith('application/problem+json'))
      return `${o.status} as ${o.contentType || 'no content type'}`;
    if (o.spec.method !== 'HEAD') {
      try {
        const p = JSON.parse(o.body) as { status?: number; type?: string; title?: string };
        if (p.status !== o.status || !p.type || !p.title)
          return `${o.status}: malformed problem ${o.body}`;
      } catch {
        return `${o.status}: body is not JSON`;
      }
    }
  } else if (o.spec.mustReject) {
    return `${o.status}: accepted a request broken on purpose (${o.spec.mutation})`;
  }
  return null;
}

const describeSpec = (s: Spec): string =>
  `${s.method} ${s.path.length > 160 ? `${s.path.slice(0, 160)}…` : s.path} [${s.mutation}] ` +
  `headers=${JSON.stringify(s.headers).slice(0, 200)} body=${(s.body ?? '').slice(0, 160)}`;

/** Every key but rate-limit counters, idempotency records and BullMQ's queues → its digest. */
async function snapshot(client: Redis): Promise<Map<string, string>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const k of batch)
      if (!k.startsWith('{valkran}') && !k.startsWith('{rl:') && !/:rl:|:idem:/.test(k))
        keys.push(k);
  } while (cursor !== '0');
  keys.sort();
  const state = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 500) {
    const slice = keys.slice(i, i + 500);
    // Server-side digests of the values: equal contents, equal digests, whatever the encoding.
    const digests = (await client.call('DEBUG', 'DIGEST-VALUE', ...slice)) as string[];
    slice.forEach((k, j) => state.set(k, digests[j]));
  }
  return state;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of after)
    if (before.get(k) !== v) out.push(before.has(k) ? `changed ${k}` : `added ${k}`);
  for (const k of before.keys()) if (!after.has(k)) out.push(`removed ${k}`);
  return out;
}

/** Requests no HTTP client library would send, as raw bytes; each answer must still be sane. */
const RAW: { label: string; bytes: string }[] = [
  {
    label: 'raw:content-length-twice',
    bytes:
      'POST /v1/leaderboards/global/players/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 17\r\nContent-Length: 5\r\n\r\n{"playerIds":[]}',
  },
  {
    label: 'raw:utf8-path',
    bytes: 'GET /v1/leaderboards/global/players/\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  {
    label: 'raw:bad-escape',
    bytes: 'GET /v1/leaderboards/global/players/% HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  { label: 'raw:double-slash', bytes: 'GET //v1//leaderboards HTTP/1.1\r\nHost: x\r\n\r\n' },
  {
    label: 'raw:dot-segments',
    bytes: 'GET /v1/leaderboards/global/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  {
    label: 'raw:docs-traversal',
    bytes: 'GET /docs/../../package.json HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  {
    label: 'raw:absolute-form',
    bytes: 'GET http://evil.example/v1/leaderboards HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  { label: 'raw:http10-no-host', bytes: 'GET /v1/leaderboards HTTP/1.0\r\n\r\n' },
  { label: 'raw:unknown-method', bytes: 'BREW /v1/leaderboards HTTP/1.1\r\nHost: x\r\n\r\n' },
  {
    label: 'raw:header-no-colon',
    bytes: 'GET /v1/leaderboards HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n',
  },
  {
    label: 'raw:huge-header',
    bytes: `GET /v1/leaderboards HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  },
  {
    label: 'raw:chunked-bad',
    bytes:
      'POST /v1/leaderboards/global/players/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
  },
  {
    label: 'raw:te-and-cl',
    bytes:
      'POST /v1/leaderboards/global/players/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  },
  {
    label: 'raw:submit-no-auth-chunked',
    bytes:
      'POST /v1/leaderboards/global/scores HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1c\r\n{"playerId":"raw","score":1}\r\n0\r\n\r\n',
  },
  {
    label: 'raw:auth-twice',
    bytes: `POST /v1/leaderboards/global/scores HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope-nope-nope-nope\r\nAuthorization: Bearer ${SUBMIT_KEY}\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n{"playerId":"raw","score":1}`,
  },
  {
    label: 'raw:nul-in-path',
    bytes: 'GET /v1/leaderboards/glo\x00bal HTTP/1.1\r\nHost: x\r\n\r\n',
  },
];

function sendRaw(
  port: number,
  bytes: string,
): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      // One answer is enough (a kept-alive connection would wait for the next request).
      const text = data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /content-length: *(\d+)/i.exec(text.slice(0, end));
      if (!length || data.length >= end + 4 + Number(length[1])) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const text = data.toString();
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0),
        contentType: /content-type: *([^\r\n]+)/i.exec(head)?.[1] ?? '',
        body: rest.join('\r\n\r\n'),
      });
    });
    socket.write(Buffer.from(bytes, 'latin1'));
  });
}

// ---------------------------------------------------------------------------------------------

describe(`fuzzing every route of /openapi.json (${RUNS} generated requests, seed ${SEED})`, () => {
  let dir: string;
  let server: ValkeyServerProcess;
  let client: Redis;
  let t: TestApp;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const kinds = new Map<string, number>();
  const findings: string[] = [];
  let sent = 0;

  const record = (o: Outcome): void => {
    sent++;
    kinds.set(
      `${o.spec.route} → ${o.status}`,
      (kinds.get(`${o.spec.route} → ${o.status}`) ?? 0) + 1,
    );
    const wrong = verdict(o);
    if (wrong) findings.push(`${wrong} ← ${describeSpec(o.spec)}`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'valkran-fuzz-'));
    server = await ValkeyServerProcess.start({
      binary: process.env.VALKEY_SERVER_BIN ?? 'valkey-server',
      dir,
      appendOnly: false,
      // DEBUG DIGEST-VALUE for the state oracle.
      extraArgs: ['--enable-debug-command', 'local'],
    });
    client = new Redis(server.url, { maxRetriesPerRequest: 1 });
    const env = { RATE_LIMIT_AUTH_FAILURES_PER_IP: '0' };

    // Seed data with a worker (`all`): boards of every kind, players (the longest id too), an
    // archived period. The fuzzed app is api-only, so nothing changes state behind its back.
    const seeder = await startApp(server.url, { ...env, APP_MODE: 'all' });
    const api = http(seeder.baseUrl);
    const boards: [string, Record<string, unknown>][] = [
      ['fz-desc', { title: 'Desc' }],
      [
        'fz-asc',
        {
          sortOrder: 'asc',
          rankMode: 'competition',
          minScore: 0,
          maxScore: 1_000_000,
          tiers: [{ name: 'gold', topPercent: 10 }],
        },
      ],
      ['fz-inc', { updateMode: 'increment', rankMode: 'dense' }],
      ['fz-sched', { resetSchedule: '0 0 1 1 *', timezone: 'Europe/Berlin', retainPeriods: 2 }],
    ];
    for (const [id, cfg] of boards)
      expect((await api.admin('POST', '/v1/leaderboards', { id, ...cfg })).status).toBe(201);
    for (const id of ['global', ...boards.map(([b]) => b)]) {
      const entries = PLAYERS.map((playerId, i) => ({
        playerId,
        score: (i * 7919) % 1000,
        ...(i % 3 === 0 ? { displayName: `Player ${i}`, metadata: { i, toString: 'kept' } } : {}),
      }));
      expect((await api.batch(id, entries)).status).toBe(200);
    }
    expect((await api.admin('POST', '/v1/leaderboards/fz-desc/reset')).status).toBe(202);
    await waitFor(
      async () => (await api.get('/v1/leaderboards/fz-desc/periods')).body.periods?.length > 0,
      10_000,
      'the seeded period to be archived',
    );
    expect((await api.batch('fz-desc', [{ playerId: 'alice', score: 5 }])).status).toBe(200);
    await seeder.close();
    // The seeding worker's live-update gates expire on their own (SET PX): let them.
    await waitFor(
      async () => (await client.keys('*:live:gate')).length === 0,
      5000,
      'the live gates to expire',
    );

    t = await startApp(server.url, env);
    port = Number(new URL(t.baseUrl).port);
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    await t?.close();
    client?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    const table = [...kinds.entries()].sort(([a], [b]) => a.localeCompare(b));

    console.log(
      `fuzz (seed ${SEED}): ${sent} requests, ${table.length} distinct (route, status) kinds, ` +
        `${findings.length} findings\n` +
        table.map(([k, n]) => `  ${k}  ×${n}`).join('\n'),
    );
  });

  it('never answers 5xx, always problem+json for 4xx, and rejected requests change nothing', async () => {
    const res = await fetch(`${t.baseUrl}/openapi.json`);
    const parsed = operations(await res.json());
    const resolve = parsed.resolve;
    const ops = withPathChecks(parsed.ops, pathParamChecks(t.app));
    expect(ops.length).toBeGreaterThanOrEqual(20);
    // HEAD on every GET route too (Fastify answers them).
    const heads = ops
      .filter((o) => o.method === 'GET')
      .map((o) => ({ ...o, key: `HEAD ${o.template}`, method: 'HEAD' }));
    const all = [...ops, ...heads];

    // The state is still while nobody writes (the api process has no background writers).
    const baseline = await snapshot(client);
    await new Promise((r) => setTimeout(r, 300));
    expect(changes(baseline, await snapshot(client))).toEqual([]);

    // Phase A: requests broken on purpose (and reads), BATCH at a time, concurrently.
    const rejectOnly = fc.oneof(...all.map((op) => spec(op, resolve, 'reject')));
    const phaseA = fc.sample(rejectOnly, { numRuns: PHASE_A, seed: SEED });
    for (let i = 0; i < phaseA.length; i += BATCH) {
      const batch = phaseA.slice(i, i + BATCH);
      const before = await snapshot(client);
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batch.length) {
            const s = batch[next++];
            try {
              record(await send(port, agent, s));
            } catch (err) {
              findings.push(`no answer (${(err as Error).message}) ← ${describeSpec(s)}`);
            }
          }
        }),
      );
      const changed = changes(before, await snapshot(client));
      if (changed.length > 0)
        findings.push(
          `phase A batch ${i / BATCH} changed state: ${changed.slice(0, 10).join(', ')}`,
        );
    }

    // Phase B: mostly valid requests, one at a time, the state checked around each rejection.
    const mostlyValid = fc.oneof(...all.map((op) => spec(op, resolve, 'valid')));
    const phaseB = fc.sample(mostlyValid, { numRuns: PHASE_B, seed: SEED + 1 });
    let state = await snapshot(client);
    for (const s of phaseB) {
      let outcome: Outcome;
      try {
        outcome = await send(port, agent, s);
      } catch (err) {
        findings.push(`no answer (${(err as Error).message}) ← ${describeSpec(s)}`);
        state = await snapshot(client);
        continue;
      }
      record(outcome);
      const after = await snapshot(client);
      if (outcome.status >= 400) {
        const changed = changes(state, after);
        if (changed.length > 0)
          findings.push(
            `${outcome.status} changed state (${changed.slice(0, 5).join(', ')}) ← ${describeSpec(s)}`,
          );
      }
      state = after;
    }

    // Phase C: raw bytes, every shape a few times; all rejected (or reads).
    const beforeRaw = await snapshot(client);
    for (let round = 0; round < 10; round++) {
      for (const raw of RAW) {
        const o = await sendRaw(port, raw.bytes);
        const s: Spec = {
          route: raw.label,
          method: 'RAW',
          path: '',
          headers: {},
          mutation: raw.label,
          mustReject: false,
        };
        record({ spec: s, ...o });
        if (o.status === 0) findings.push(`no status line ← ${raw.label}`);
      }
    }
    const rawChanged = changes(beforeRaw, await snapshot(client));
    if (rawChanged.length > 0)
      findings.push(`raw requests changed state: ${rawChanged.join(', ')}`);

    // Every published route was exercised.
    for (const op of all)
      expect([...kinds.keys()].some((k) => k.startsWith(`${op.key} → `))).toBe(true);
    expect(sent).toBeGreaterThanOrEqual(Math.min(RUNS, 10_000));
    expect(findings.slice(0, 25)).toEqual([]);
  }, 240_000);
});
