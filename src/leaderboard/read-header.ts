import { resolve } from 'node:path';
import { luaReturnedFields, ScriptReply } from '../valkey/lua-script';

/**
 * The slots of a read script's header (readContext and headerReply in valkey/standings.lib.lua),
 * by name. Their order is written once, in that file's headerReply (the list it returns), and
 * read from it here when the module loads; this list only says which names the TypeScript side
 * knows (any order).
 */
const KNOWN = [
  'cohorts',
  'columns',
  'periodId',
  'periodStartedAt',
  'status',
  'tiers',
  'total',
  'version',
] as const;

export type ReadHeaderSlot = (typeof KNOWN)[number];

/** A read header decoded by slot name; an absent slot is undefined, an unset one null. */
export type ReadHeader = Record<ReadHeaderSlot, ScriptReply | undefined>;

function slotIndexes(): Record<ReadHeaderSlot, number> {
  const file = resolve(__dirname, '../valkey/standings.lib.lua');
  const order = luaReturnedFields(file, 'headerReply');
  const missing = KNOWN.filter((name) => !order.includes(name));
  const unknown = order.filter((name) => !(KNOWN as readonly string[]).includes(name));
  // status leads: the refusals ({'NOT_FOUND'}, {'RATE_LIMITED', …}) carry it alone, first.
  if (
    missing.length ||
    unknown.length ||
    new Set(order).size !== order.length ||
    order[0] !== 'status'
  ) {
    throw new Error(
      `headerReply in ${file} does not match read-header.ts: ` +
        `missing ${missing.join(', ') || 'none'}, unknown ${unknown.join(', ') || 'none'}, ` +
        `${order.length} slots, status first: ${order[0] === 'status'}`,
    );
  }
  return Object.fromEntries(order.map((name, i) => [name, i])) as Record<ReadHeaderSlot, number>;
}

const SLOT = slotIndexes();
const NO_SLOTS = Object.fromEntries(KNOWN.map((name) => [name, undefined])) as ReadHeader;

/**
 * A read script's header (the reply's first element) by slot name. A status reply instead of a
 * header carries its status first and then its own values: `{'NOT_MODIFIED', version}` (kept that
 * short for the 304 path) is decoded here too; the refusals (`{'NOT_FOUND'}`, `{'RATE_LIMITED',
 * index, limit}`) only by status.
 */
export function decodeReadHeader(raw: ScriptReply[]): ReadHeader {
  if (raw[0] === 'NOT_MODIFIED') {
    return { ...NO_SLOTS, status: raw[0], version: raw[1] };
  }
  return {
    status: raw[SLOT.status],
    periodId: raw[SLOT.periodId],
    periodStartedAt: raw[SLOT.periodStartedAt],
    total: raw[SLOT.total],
    tiers: raw[SLOT.tiers],
    version: raw[SLOT.version],
    columns: raw[SLOT.columns],
    cohorts: raw[SLOT.cohorts],
  };
}
