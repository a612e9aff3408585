-- Submission rules shared by submit.lua and submit-batch.lua, which take the same KEYS:
-- KEYS: 1 cfg, 2 seq, 3 z, 4 r, 5 dz (of the current period), 6 ver, 7 idempotency record
--       (scoped per submit key), 8 the same Idempotency-Key's unscoped record (the name used
--       before records were scoped; equal to KEYS[7] when there is none to look up),
--       9.. rate-limit counters (rate-limit.lib.lua; their spec leads ARGV).
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
--- @include "../common/rate-limit.lib"
--- @include "../valkey/cohorts-read.lib"
--- @include "../valkey/cohorts.lib"
--- @include "../valkey/tournament-read.lib"
--- @include "../valkey/tournament.lib"
--- @include "../valkey/board.lib"

local CFG, SEQ, Z, R, DZ, VER, IDEMPOTENCY, LEGACY_IDEMPOTENCY = 1, 2, 3, 4, 5, 6, 7, 8
local RATE_KEYS_FROM = 9

local MAX_SAFE = 9007199254740991

-- The board, from one read of its cfg: what the submit rules need, its tournament rules (t:
-- tournament.lib.lua's tournamentFrom, nil when no tournament option is set) and its cohorts (co:
-- cohorts.lib.lua's cohortFrom, nil without). nil when the board does not exist.
local function loadBoard()
  -- its own fields, then those of TOURNAMENT_FIELDS and COHORT_FIELDS not named before
  local v = redis.call('HMGET', KEYS[CFG], 'sortOrder', 'updateMode', 'rankMode', 'minScore', 'maxScore', 'period',
    'createdAt', 'layout', 'cols', 'startsAt', 'endsAt', 'activeFor', 'joinRequired', 'maxPlayers', 'maxAttempts',
    'periodStartedAt', 'cohortSize', 'leagues', 'demoteInactive')
  if not v[1] then return nil end
  requireLayout(KEYS[CFG], v[8])
  local c = { sortOrder = v[1], updateMode = v[2], rankMode = v[3], minScore = v[4], maxScore = v[5], period = v[6],
    createdAt = v[7], cols = v[9], startsAt = v[10], endsAt = v[11], activeFor = v[12], joinRequired = v[13],
    maxPlayers = v[14], maxAttempts = v[15], periodStartedAt = v[16], cohortSize = v[17], leagues = v[18],
    demoteInactive = v[19] }
  -- gen: the board's creation time, telling this board from a deleted one with the same id
  return { order = c.sortOrder, mode = c.updateMode, rankMode = c.rankMode, min = tonumber(c.minScore),
    max = tonumber(c.maxScore), period = c.period, gen = c.createdAt or '',
    P = periodOf(KEYS[Z], KEYS[R], KEYS[DZ], c.cols),
    t = (optionSet(v[10]) or optionSet(v[11]) or optionSet(v[12]) or optionSet(v[13]) or optionSet(v[14])
      or optionSet(v[15])) and tournamentFrom(c) or nil,
    co = optionSet(v[17]) and cohortFrom(KEYS[CFG], c) or nil }
end

-- The subscores a submission sent ("s1,s2", '' = none) as numbers, or nil and the error reply
-- { 'SUBSCORES', reason, columns }: 'none' (the board has no columns), 'count' (not one per
-- column) or 'required' (none sent, and there are none to keep: only an increment of a player
-- on the board keeps its subscores). `known`: the player is on the board.
local function parseSubs(b, text, known)
  local nc = b.P.nc
  if text == '' then
    if nc == 0 or (known and b.mode == 'increment') then return {}, nil end
    return nil, { 'SUBSCORES', 'required', nc }
  end
  if nc == 0 then return nil, { 'SUBSCORES', 'none', 0 } end
  local subs = {}
  for v in string.gmatch(text, '[^,]+') do subs[#subs + 1] = tonumber(v) end
  if #subs ~= nc then return nil, { 'SUBSCORES', 'count', nc } end
  return subs, nil
end

-- -1 when subscores a rank before b (each column in its direction), 1 after, 0 when equal.
local function compareSubs(cols, a, b)
  for i = 1, #cols do
    local x, y = a[i], b[i]
    if x ~= y then
      if (x < y) == (string.byte(cols, i) == 97) then return -1 end
      return 1
    end
  end
  return 0
end

-- Decides the new score from the current one (nil for a new player) and the new subscores from
-- the sent ones (`subsText`) and the current ones (`curSubs`, numbers). Returns (newScoreString,
-- subscores numbers, their text) or (nil) when nothing changes, or (nil, nil, nil, errorReply).
local function plan(b, current, valueStr, subsText, curSubs, curSubsText)
  local subs, serr = parseSubs(b, subsText, current ~= nil)
  if serr then return nil, nil, nil, serr end
  local cols = b.P.cols
  local keep = subsText == '' and current ~= nil
  if keep then subs, subsText = curSubs, curSubsText end
  local value = tonumber(valueStr)
  if b.mode == 'increment' then
    local base = current or 0
    local result = base + value
    -- (curSubs is nil without columns, and in a batch's checks, which only look for errors)
    if current ~= nil and value == 0 and (keep or not curSubs or compareSubs(cols, subs, curSubs) == 0) then
      return nil
    end
    -- |base|, |value| <= 2^53-1, so an out-of-range exact sum rounds to a double that is
    -- still out of range: the check below cannot be fooled by rounding.
    if result < b.min or result > b.max or result > MAX_SAFE or result < -MAX_SAFE then
      return nil, nil, nil, { 'OUT_OF_BOUNDS', fmtint(b.min), fmtint(b.max), fmtint(result) }
    end
    return fmtint(result), subs, subsText
  end
  if value < b.min or value > b.max then
    return nil, nil, nil, { 'OUT_OF_BOUNDS', fmtint(b.min), fmtint(b.max), valueStr }
  end
  if current == nil then return valueStr, subs, subsText end
  if b.mode == 'latest' then
    if value == current and compareSubs(cols, subs, curSubs) == 0 then return nil end
    return valueStr, subs, subsText
  end
  -- best: the whole tuple, the score first, then each column in its direction
  local better
  if value == current then
    better = compareSubs(cols, subs, curSubs) < 0
  elseif b.order == 'desc' then
    better = value > current
  else
    better = value < current
  end
  if better then return valueStr, subs, subsText end
  return nil
end

local function currentScore(b, pid)
  local P = b.P
  local rec = recordAt(P, pid, locate(P, pid))
  if not rec then return nil end
  local member = memberOf(P, rec, pid)
  -- zh: a hidden player's entry (hidden-write.lib.lua)
  local k = redis.call('ZSCORE', P.z, member) or redis.call('ZSCORE', P.zh, member)
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
-- periodId, score, rank, previousScore, previousRank, updated (1/0), updatedAt, subscores ("s1,s2",
-- '' without columns).
-- `now`: the write's time in ms (a number). P.count, when a batch set it: the period's member
-- count, kept up to date here instead of asking ZCARD for each new player.
local function apply(b, pid, valueStr, dn, md, now, subsText)
  local P = b.P
  local at = locate(P, pid)
  local prev = recordAt(P, pid, at)
  local pSeq, pAt, pDn, pMd, pMember, pK, pScore, pRank, pKText, pSubs, pSubsText
  if prev then
    pSeq, pAt, pDn, pMd, pKText, pSubs, pSubsText = decodeRecord(prev, P.nc)
    pMember = seqPrefix(pSeq) .. pid
    if pKText then pMember = tuplePrefix(P, pKText, pSubs) .. pMember end
    if b.rankMode == 'ordinal' then
      local zr = redis.call('ZRANK', P.z, pMember, 'WITHSCORE')
      pRank, pK = zr[1] + 1, zr[2]
    else
      pK = redis.call('ZSCORE', P.z, pMember)
      pRank = rankOf(b.rankMode, P, pMember, pK)
    end
    pScore = toK(b.order, pK)
  end
  local newScore, subs, newSubsText, err = plan(b, prev and tonumber(pScore) or nil, valueStr, subsText, pSubs,
    pSubsText)
  if err then return err end
  if newScore == nil then
    return { b.period, pScore, pRank, pScore, pRank, 0, fmtint(pAt), pSubsText or '' }
  end
  local seq = nextSeq(b)
  local k = toK(b.order, newScore)
  local member, tuple = seqPrefix(seq) .. pid, ''
  if P.nc > 0 then
    member = tuplePrefix(P, k, subs) .. member
    tuple = k .. ',' .. newSubsText .. ','
  end
  local dense = b.rankMode == 'dense'
  if prev then
    redis.call('ZREM', P.z, pMember)
    if dense then denseRemoved(P, pK, pMember) end
    if dn == '' then dn = pDn end
    if md == '' then md = pMd end
  end
  redis.call('ZADD', P.z, k, member)
  if dense then denseAdded(P, k, member) end
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
  putRecord(P, pid, at, encodeRecord(seq, now, dn, md, tuple), count)
  local rank = rankOf(b.rankMode, P, member, k)
  -- `now` is the same for every entry of a batch: formatted once.
  local nowStr = b.nowStr
  if not nowStr or b.nowAt ~= now then
    nowStr = fmtint(now)
    b.nowStr, b.nowAt = nowStr, now
  end
  return { b.period, newScore, rank, pScore or '', pRank or '', 1, nowStr, newSubsText or '' }
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
  local refusal, used = checkLimits(RATE_KEYS_FROM, nLimits)
  -- A batch's per-player counters, read once: accepted charges them without reading them again
  -- (nothing between the check and the charge touches a counter).
  b.limitsUsed = used
  return refusal
end

-- The reply of an applied submission (`encoded`: its result rows; `changed`: whether any score
-- changed): charges the rate counters, records the reply for idempotent retries, moves the
-- board's version when something changed, and returns { 'OK', encoded, limit, remaining, mode }.
local function accepted(b, bodyHash, encoded, nLimits, changed)
  local limit, left = takeLimits(RATE_KEYS_FROM, nLimits, b.limitsUsed)
  remember(b, bodyHash, encoded)
  if changed then bumpVersion(KEYS[VER]) end
  return { 'OK', encoded, limit, left, b.mode }
end
