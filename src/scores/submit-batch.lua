-- A whole batch, all or nothing: rate limits first, then every entry is checked against the
-- board's bounds (simulating increments in order), then all are applied in order.
-- KEYS: those of submit.lib.lua (1 cfg, 2 seq, 3 z, 4 r, 5 dz, 6 ver, 7 idempotency record,
--       8 unscoped idempotency record, 9.. rate-limit counters).
-- ARGV: the rate-limit spec (rate-limit.lib.lua), then refusedOutside ('1' = a counter checked
--       outside the script has no room, '' = none), the body hash ('' = no idempotency key),
--       then per entry: playerId, score, displayName ('' = keep), metadata JSON ('' = keep),
--       subscores ("s1,s2", '' = none).
-- Returns { 'OK', result rows (one a line), limit, remaining, updateMode }, { 'REPLAY', result
-- rows, limit, remaining }, { 'NOT_FOUND' }, { 'IDEMPOTENCY_CONFLICT' }, { 'RATE_LIMITED',
-- index, limit } (index 0: the counter outside), { 'OUT_OF_BOUNDS', min, max, result, entry
-- index (0-based) } or { 'SUBSCORES', reason, columns, entry index } (see parseSubs).
--- @include "submit.lib"
--- @include "../common/rate-limit.lib"
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
--- @include "../valkey/time.lib"
--- @include "../valkey/tournament.lib"
--- @include "../valkey/hidden-write.lib"
--- @include "../valkey/cohorts.lib"
-- Entries follow the body hash in A, ENTRY_FIELDS values each.
local ENTRIES_FROM, ENTRY_FIELDS = 3, 5
local nLimits, A = limitArgs()
local refusedOutside, bodyHash = A[1] == '1', A[2]
local b = loadBoard()
if not b then return { 'NOT_FOUND' } end
-- Each entry is looked up twice (checked, then applied): hash each player once.
b.P.h = {}
local refused = refusalOrReplay(b, bodyHash, nLimits, refusedOutside)
if refused then return refused end
local n = (#A - ENTRIES_FROM + 1) / ENTRY_FIELDS
local P = b.P
-- Buckets are read once (one HMGET for the batch), changed in memory, written once at the end.
P.cache, P.dirty, P.dirtySet = {}, {}, {}
local pids = {}
for i = 0, n - 1 do pids[i + 1] = A[ENTRIES_FROM + i * ENTRY_FIELDS] end
-- Tournament rules (valkey/tournament.lib.lua; the entrants key is the last of KEYS): the whole
-- batch is refused when any entry breaks one; each entry is an attempt.
local entry, attempts = entryRefusal(b.t, KEYS[#KEYS], pids)
if entry then return entry end
-- Only an increment's bounds depend on the current score; other modes check the value alone.
local increment = b.mode == 'increment'
if increment then prefetchBuckets(P, pids) end
local sim = {}
for i = 0, n - 1 do
  local at = ENTRIES_FROM + i * ENTRY_FIELDS
  local pid, value = A[at], A[at + 1]
  local current
  if increment then
    current = sim[pid]
    if current == nil then current = currentScore(b, pid) end
  end
  -- Only errors matter here: the subscores kept by an increment are not needed to find them.
  local newScore, _, _, err = plan(b, current, value, A[at + 4], nil, nil)
  if err then
    err[#err + 1] = i
    return err
  end
  if increment then
    if newScore ~= nil then sim[pid] = tonumber(newScore) else sim[pid] = current end
  end
end
if not increment then prefetchBuckets(P, pids) end
-- The sequence counter is read once and written once: apply hands out the numbers one INCR per
-- change would have (the script is atomic, nothing else moves the counter meanwhile).
b.seqNext = tonumber(redis.call('GET', KEYS[SEQ]) or '0') + 1
b.seqFirst = b.seqNext
P.count = redis.call('ZCARD', P.z)
local now = nowMs()
local rows, changed = {}, false
-- Hidden players' entries (hidden-write.lib): one EXISTS, and SISMEMBER per entry only if any.
local hiddenKey, dense = hiddenSetOf(KEYS[CFG]), b.rankMode == 'dense'
if redis.call('EXISTS', hiddenKey) == 0 then hiddenKey = nil end
for i = 0, n - 1 do
  local at = ENTRIES_FROM + i * ENTRY_FIELDS
  local veiled = unveil(P, dense, hiddenKey, A[at])
  local r = apply(b, A[at], A[at + 1], A[at + 2], A[at + 3], now, A[at + 4])
  if b.co then cohortColumns(b.co, A[at], r) end
  if veiled then
    moveEntry(P, A[at], true, dense)
    if b.co then cohortRemoved(b.co, A[at]) end -- out of sight in the cohort too
  end
  rows[#rows + 1] = table.concat(r, '\t')
  changed = changed or r[6] == 1
end
flushBuckets(P)
if b.seqNext > b.seqFirst then redis.call('SET', KEYS[SEQ], fmtint(b.seqNext - 1)) end
recordAttempts(attempts, KEYS[6])
return accepted(b, bodyHash, table.concat(rows, '\n'), nLimits, changed)
