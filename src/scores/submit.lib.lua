-- Submission rules shared by submit.lua and submit-batch.lua, which take the same KEYS:
-- KEYS: 1 cfg, 2 seq, 3 z, 4 r, 5 dz (of the current period), 6 ver, 7 idempotency record
--       (scoped per submit key), 8 the same Idempotency-Key's unscoped record (the name used
--       before records were scoped; equal to KEYS[7] when there is none to look up),
--       9.. rate-limit counters (rate-limit.lib.lua; their spec leads ARGV).
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
--- @include "../common/rate-limit.lib"
--- @include "../valkey/cohorts.lib"

local CFG, SEQ, Z, R, DZ, VER, IDEMPOTENCY, LEGACY_IDEMPOTENCY = 1, 2, 3, 4, 5, 6, 7, 8
local RATE_KEYS_FROM = 9

local MAX_SAFE = 9007199254740991

local function loadBoard()
  local c = redis.call('HMGET', KEYS[CFG], 'sortOrder', 'updateMode', 'rankMode', 'minScore', 'maxScore', 'period',
    'createdAt', 'layout')
  if not c[1] then return nil end
  requireLayout(KEYS[CFG], c[8])
  -- gen: the board's creation time, telling this board from a deleted one with the same id
  return { order = c[1], mode = c[2], rankMode = c[3], min = tonumber(c[4]), max = tonumber(c[5]),
    period = c[6], gen = c[7] or '', P = periodOf(KEYS[Z], KEYS[R], KEYS[DZ]) }
end

-- Decides the new score from the current one (nil for a new player). Returns
-- (newScoreString or nil when nothing changes, nil) or (nil, errorReply).
local function plan(b, current, valueStr)
  local value = tonumber(valueStr)
  if b.mode == 'increment' then
    local base = current or 0
    local result = base + value
    if current ~= nil and value == 0 then return nil, nil end
    -- |base|, |value| <= 2^53-1, so an out-of-range exact sum rounds to a double that is
    -- still out of range: the check below cannot be fooled by rounding.
    if result < b.min or result > b.max or result > MAX_SAFE or result < -MAX_SAFE then
      return nil, { 'OUT_OF_BOUNDS', fmtint(b.min), fmtint(b.max), fmtint(result) }
    end
    return fmtint(result), nil
  end
  if value < b.min or value > b.max then
    return nil, { 'OUT_OF_BOUNDS', fmtint(b.min), fmtint(b.max), valueStr }
  end
  if current == nil then return valueStr, nil end
  if b.mode == 'latest' then
    if value == current then return nil, nil end
    return valueStr, nil
  end
  local better
  if b.order == 'desc' then better = value > current else better = value < current end
  if better then return valueStr, nil end
  return nil, nil
end

local function currentScore(b, pid)
  local P = b.P
  local rec = recordAt(P, pid, locate(P, pid))
  if not rec then return nil end
  local k = redis.call('ZSCORE', b.P.z, seqPrefix(tonumber(string.sub(rec, 1, 14), 16)) .. pid)
  return tonumber(toK(b.order, k))
end

-- The next tie-break sequence number: a batch reads the counter once (b.seqNext) and writes
-- it back once; a single submission takes one INCR.
local function nextSeq(b)
  local seq = b.seqNext
  if seq then
    b.seqNext = seq + 1
    return seq
  end
  return redis.call('INCR', KEYS[SEQ])
end

-- Applies one submission. Returns an error reply, or the result row:
-- periodId, score, rank, previousScore, previousRank, updated (1/0), updatedAt.
-- `now`: the write's time in ms (a number). P.count, when a batch set it: the period's member
-- count, kept up to date here instead of asking ZCARD for each new player.
local function apply(b, pid, valueStr, dn, md, now)
  local P = b.P
  local at = locate(P, pid)
  local prev = recordAt(P, pid, at)
  local pSeq, pAt, pDn, pMd, pMember, pK, pScore, pRank
  if prev then
    pSeq, pAt, pDn, pMd = decodeRecord(prev)
    pMember = seqPrefix(pSeq) .. pid
    if b.rankMode == 'ordinal' then
      local zr = redis.call('ZRANK', P.z, pMember, 'WITHSCORE')
      pRank, pK = zr[1] + 1, zr[2]
    else
      pK = redis.call('ZSCORE', P.z, pMember)
      pRank = rankOf(b.rankMode, P, pMember, pK)
    end
    pScore = toK(b.order, pK)
  end
  local newScore, err = plan(b, prev and tonumber(pScore) or nil, valueStr)
  if err then return err end
  if newScore == nil then
    return { b.period, pScore, pRank, pScore, pRank, 0, fmtint(pAt) }
  end
  local seq = nextSeq(b)
  local member = seqPrefix(seq) .. pid
  local dense = b.rankMode == 'dense'
  if prev then
    redis.call('ZREM', P.z, pMember)
    if dense then denseRemoved(P, pK) end
    if dn == '' then dn = pDn end
    if md == '' then md = pMd end
  end
  local k = toK(b.order, newScore)
  redis.call('ZADD', P.z, k, member)
  if dense then denseAdded(P, k) end
  if b.co then cohortWrite(b.co, pid, member, k) end
  local count
  if not prev then
    if P.count then
      P.count = P.count + 1
      count = P.count
    else
      count = redis.call('ZCARD', P.z)
    end
  end
  putRecord(P, pid, at, encodeRecord(seq, now, dn, md), count)
  local rank = rankOf(b.rankMode, P, member, k)
  -- `now` is the same for every entry of a batch: formatted once.
  local nowStr = b.nowStr
  if not nowStr or b.nowAt ~= now then
    nowStr = fmtint(now)
    b.nowStr, b.nowAt = nowStr, now
  end
  return { b.period, newScore, rank, pScore or '', pRank or '', 1, nowStr }
end

-- A record "generation:bodyHash\nresult" read back: { 'REPLAY', result } for the same body,
-- { 'IDEMPOTENCY_CONFLICT' } for another, nil for one left by a deleted board of the same id.
local function replayOf(b, record, bodyHash)
  local nl = string.find(record, '\n', 1, true)
  local head = string.sub(record, 1, nl - 1)
  local colon = string.find(head, ':', 1, true)
  if not colon or string.sub(head, 1, colon - 1) ~= b.gen then return nil end
  if string.sub(head, colon + 1) ~= bodyHash then return { 'IDEMPOTENCY_CONFLICT' } end
  return { 'REPLAY', string.sub(record, nl + 1) }
end

-- Idempotency: returns a reply to send instead of applying, or nil to go ahead.
local function idempotentReplay(b, bodyHash)
  if bodyHash == '' then return nil end
  local prior = redis.call('GET', KEYS[IDEMPOTENCY])
  if prior then return replayOf(b, prior, bodyHash) end
  -- Records written before they were scoped per submit key (gone 24 h after the upgrade): the
  -- same body replays, so a retry straddling the upgrade is not applied twice; another body
  -- may be another client's request, so such a record is ignored rather than a conflict.
  if KEYS[LEGACY_IDEMPOTENCY] == KEYS[IDEMPOTENCY] then return nil end
  local legacy = redis.call('GET', KEYS[LEGACY_IDEMPOTENCY])
  if not legacy then return nil end
  local replay = replayOf(b, legacy, bodyHash)
  if replay and replay[1] == 'REPLAY' then return replay end
  return nil
end

local function remember(b, bodyHash, encoded)
  if bodyHash ~= '' then
    redis.call('SET', KEYS[IDEMPOTENCY], b.gen .. ':' .. bodyHash .. '\n' .. encoded, 'PX', 86400000)
  end
end

-- What a submission must get instead of being applied, or nil to go ahead: the recorded reply
-- of an idempotent retry (not charged, but with the rate counters' standing), a conflict, or
-- a rate-limit refusal. `refusedOutside`: a counter checked before the script, in another
-- cluster slot (the per-key one), had no room; only a replay may pass ({ 'RATE_LIMITED', 0 }).
local function refusalOrReplay(b, bodyHash, nLimits, refusedOutside)
  local replay = idempotentReplay(b, bodyHash)
  if replay then
    if replay[1] == 'REPLAY' then replay[3], replay[4] = peekLimits(RATE_KEYS_FROM, nLimits) end
    return replay
  end
  if refusedOutside then return { 'RATE_LIMITED', 0 } end
  return checkLimits(RATE_KEYS_FROM, nLimits)
end

-- The reply of an applied submission (`encoded`: its result rows; `changed`: whether any score
-- changed): charges the rate counters, records the reply for idempotent retries, moves the
-- board's version when something changed, and returns { 'OK', encoded, limit, remaining, mode }.
local function accepted(b, bodyHash, encoded, nLimits, changed)
  local limit, left = takeLimits(RATE_KEYS_FROM, nLimits)
  remember(b, bodyHash, encoded)
  if changed then bumpVersion(KEYS[VER]) end
  return { 'OK', encoded, limit, left, b.mode }
end
