-- Reading a period's standings in storage layout 2 (leaderboard/board.keys.ts describes it in
-- full; standings-write.lib.lua holds the writes). A period is:
--   z   zset: score k = -score on desc boards, score on asc boards, so ascending order is always
--       "best first"; member = the tie-break sequence as 7 big-endian bytes, then the playerId,
--       so equal k values order by sequence: first to reach, first.
--   r   hash: the player records, packed several to a field ("bucket", see bucketOf), plus '#',
--       the bucket count, and '!' .. playerId for a record too long to pack.
--   dz  zset, dense boards only: the distinct k values (member = k in decimal).
-- A record is the sequence in 14 hex digits, updatedAt (ms) in 11, the displayName, then a tab
-- and the metadata JSON when there is metadata (hex: string.format and tonumber do it in C).
-- A board with tie-break columns (cfg `cols`: one letter per column, 'a' asc or 'd' desc) puts
-- the tuple at the front of the member: sortable(k) ‖ sortable(column value) per column (a desc
-- column's value negated) ‖ the sequence ‖ playerId, so the member's byte order alone is the
-- ranking order and the zset's lex commands count tuples (ZLEXCOUNT); its records carry k and
-- the subscores in decimal, each followed by ',', between updatedAt and the displayName (the
-- member cannot be found from the record otherwise); its dz members are the tuple prefixes.
-- zh  zset, same members and scores as z: the entries of hidden players (hidden.lib.lua), named
--     after the period's z (P.zh); their records stay in r, and nothing but the player's own reads
--     sees them. A record whose member is in neither z nor zh does not exist.
-- Scores travel as decimal strings; Lua numbers are only used where they are exact
-- (|n| <= 2^53), and never formatted with tostring (which keeps only 14 digits). Valkey prints
-- every integer-valued double of that range as plain decimal digits (ZSCORE, WITHSCORES; a
-- repository test checks it), so a k read back is the k that was written, byte for byte.
-- Every script call re-creates these functions, and each upvalue costs: widths and field names
-- are literals, and helpers call few others.
--- @include "layout.lib"

-- k from a score and a score from k: the same negation on desc boards.
local function toK(order, score)
  if order ~= 'desc' or score == '0' then return score end
  if string.byte(score, 1) == 45 then return string.sub(score, 2) end
  return '-' .. score
end

-- The zset member prefix: n as 7 big-endian bytes (byte order = numeric order; 7 bytes hold
-- every sequence number Lua counts exactly, up to 2^53 - 1).
local function seqPrefix(n)
  local b7 = n % 256
  n = (n - b7) / 256
  local b6 = n % 256
  n = (n - b6) / 256
  local b5 = n % 256
  n = (n - b5) / 256
  local b4 = n % 256
  n = (n - b4) / 256
  local b3 = n % 256
  n = (n - b3) / 256
  local b2 = n % 256
  return string.char((n - b2) / 256, b2, b3, b4, b5, b6, b7)
end

-- Any safe integer v (|v| <= 2^53 - 1) as 7 bytes whose byte order is numeric order: a negative
-- v as v + 2^53 - 1 (exact: within [0, 2^53 - 2]), a non-negative one as v with 0x20 added to
-- its first byte (which is below 0x20 for v < 2^53), so every negative sorts first.
local function sortable(v)
  if v < 0 then return seqPrefix(v + 9007199254740991) end
  local s = seqPrefix(v)
  return string.char(string.byte(s, 1) + 32) .. string.sub(s, 2)
end

-- Gives a period's table its board's columns: cols ('' = none), nc (their number) and skip (the
-- member bytes before the playerId: the tuple prefix, 7 per number, then the sequence's 7).
local function withColumns(P, cols)
  cols = cols or ''
  P.cols, P.nc = cols, #cols
  P.zh = P.z .. 'h'
  if P.nc == 0 then P.skip = 7 else P.skip = 7 * (P.nc + 2) end
  return P
end

-- The tuple prefix of a member: k, then each subscore (a list of numbers) in its direction.
local function tuplePrefix(P, k, subs)
  local parts = { sortable(tonumber(k)) }
  for i = 1, P.nc do
    local v = subs[i]
    if string.byte(P.cols, i) == 100 then v = -v end
    parts[i + 1] = sortable(v)
  end
  return table.concat(parts)
end

-- The numbers of a record on a board with columns: k (decimal), the subscores (numbers), their
-- decimal text ("s1,s2") and where the displayName starts.
local function recordTuple(rec, nc)
  local comma = string.find(rec, ',', 26, true)
  local k, from = string.sub(rec, 26, comma - 1), comma + 1
  local subs, pos = {}, from
  for i = 1, nc do
    comma = string.find(rec, ',', pos, true)
    subs[i] = tonumber(string.sub(rec, pos, comma - 1))
    pos = comma + 1
  end
  return k, subs, string.sub(rec, from, pos - 2), pos
end

-- The subscores in a member's tuple prefix, in decimal ("s1,s2"): sortable read back (exact:
-- the 6 low bytes are below 2^48, and either branch's result is within the safe range).
local function memberSubscores(P, member)
  local out = {}
  for i = 1, P.nc do
    local b1, b2, b3, b4, b5, b6, b7 = string.byte(member, 7 * i + 1, 7 * i + 7)
    local v = ((((b2 * 256 + b3) * 256 + b4) * 256 + b5) * 256 + b6) * 256 + b7
    if b1 >= 32 then
      v = (b1 - 32) * 281474976710656 + v
    else
      v = b1 * 281474976710656 + v - 9007199254740991
    end
    if string.byte(P.cols, i) == 100 then v = -v end
    if v == 0 then out[i] = '0' else out[i] = string.format('%.0f', v) end
  end
  return table.concat(out, ',')
end

-- The zset member of a player with this record.
local function memberOf(P, rec, pid)
  local seq = seqPrefix(tonumber(string.sub(rec, 1, 14), 16))
  if P.nc == 0 then return seq .. pid end
  local k, subs = recordTuple(rec, P.nc)
  return tuplePrefix(P, k, subs) .. seq .. pid
end

-- The player's bucket: the number naming its field of r (redis.call sends an integer-valued
-- number as its plain decimal digits). Linear hashing on the first 32 bits of sha1(playerId): of the n
-- buckets, the first n - base have been split already and use one more bit.
local function bucketOf(P, pid)
  local n, base = P.n, P.base
  if not n then
    n = tonumber(redis.call('HGET', P.r, '#') or '1')
    base = 1
    while base * 2 <= n do base = base * 2 end
    P.n, P.base = n, base
  end
  local memo = P.h
  local h = memo and memo[pid]
  if not h then
    h = tonumber(string.sub(redis.sha1hex(pid), 1, 8), 16)
    if memo then memo[pid] = h end
  end
  local b = h % base
  if b < n - base then return h % (2 * base) end
  return b
end

-- A bucket is a string of entries "\n" .. playerId .. "\t" .. record (or '!' when the record is
-- in field '!' .. playerId). Records hold no newline, so "\n<playerId>\t" only ever matches at
-- the start of that player's entry. Returns the entry's first and last byte in the bucket and
-- its stored value, or nil.
local function findEntry(s, pid)
  local i = string.find(s, '\n' .. pid .. '\t', 1, true)
  if not i then return nil end
  local j = string.find(s, '\n', i + 1, true)
  j = j and j - 1 or #s
  return i, j, string.sub(s, i + #pid + 2, j)
end

-- The player's record, or nil.
local function getRecord(P, pid)
  local s = redis.call('HGET', P.r, bucketOf(P, pid))
  if not s then return nil end
  local _, _, v = findEntry(s, pid)
  if v == '!' then return redis.call('HGET', P.r, '!' .. pid) end
  return v
end

-- With columns, "equal" is an equal tuple: the members (and dz members) before the member's
-- tuple prefix are the strictly better ones. The member order is the lex order there, so
-- ZLEXCOUNT counts them in O(log N).
local function rankOf(rankMode, P, member, k)
  if P.nc > 0 and rankMode ~= 'ordinal' then
    local key = P.z
    if rankMode == 'dense' then key = P.dz end
    return redis.call('ZLEXCOUNT', key, '-', '(' .. string.sub(member, 1, P.skip - 7)) + 1
  end
  if rankMode == 'competition' then
    return redis.call('ZCOUNT', P.z, '-inf', '(' .. k) + 1
  elseif rankMode == 'dense' then
    return redis.call('ZCOUNT', P.dz, '-inf', '(' .. k) + 1
  end
  return redis.call('ZRANK', P.z, member) + 1
end

-- A player's record, score (decimal) and rank, or nil when absent: ZRANK … WITHSCORE for an
-- ordinal rank, ZSCORE and one ZCOUNT otherwise. A hidden player (record, member not in z) is
-- absent too: nil, then the record and member (for their own reads, hidden.lib.lua).
local function standingOf(rankMode, order, P, pid)
  local rec = getRecord(P, pid)
  if not rec then return nil end
  local member = memberOf(P, rec, pid)
  if rankMode == 'ordinal' then
    local zr = redis.call('ZRANK', P.z, member, 'WITHSCORE')
    if not zr then return nil, rec, member end
    return rec, toK(order, zr[2]), zr[1] + 1
  end
  local k = redis.call('ZSCORE', P.z, member)
  if not k then return nil, rec, member end
  return rec, toK(order, k), rankOf(rankMode, P, member, k)
end

-- Zset positions [start, stop] as a flat list of (playerId, record, score, rank) rows.
-- O(log N + M): one ZRANGE, at most one ZCOUNT, one HMGET of the rows' buckets.
local function renderRange(rankMode, order, P, start, stop)
  local out = {}
  if stop < start then return out end
  local rows = redis.call('ZRANGE', P.z, start, stop, 'WITHSCORES')
  local m = #rows / 2
  if m == 0 then return out end
  local pids, fields, skip = {}, {}, P.skip
  for n = 1, m do
    local pid = string.sub(rows[2 * n - 1], skip + 1)
    pids[n] = pid
    fields[n] = bucketOf(P, pid)
  end
  local buckets = redis.call('HMGET', P.r, unpack(fields))
  local rank, prevTie = 0, nil
  for n = 1, m do
    local k = rows[2 * n]
    -- Ties: equal k, or with columns an equal tuple prefix.
    local tie = k
    if skip > 7 then tie = string.sub(rows[2 * n - 1], 1, skip - 7) end
    if rankMode == 'ordinal' then
      rank = start + n
    elseif prevTie == nil then
      rank = rankOf(rankMode, P, rows[2 * n - 1], k)
    elseif tie ~= prevTie then
      if rankMode == 'competition' then rank = start + n else rank = rank + 1 end
    end
    prevTie = tie
    local pid, rec = pids[n], ''
    if buckets[n] then
      local _, _, v = findEntry(buckets[n], pid)
      if v == '!' then v = redis.call('HGET', P.r, '!' .. pid) end
      rec = v or ''
    end
    local o = #out
    out[o + 1], out[o + 2], out[o + 3], out[o + 4] = pid, rec, toK(order, k), rank
  end
  return out
end

-- A read's header is a table by slot name: status 'OK' | 'NOT_MODIFIED'; periodId: the current
-- period; periodStartedAt: its start; total: the period's member count; tiers: the tiers JSON;
-- version: "<generation>.<counter>" (see bumpVersion); columns: the tie-break columns (cfg `cols`,
-- '' = none); cohorts: player reads of a cohort board, the players' cohort columns (cohorts.lib.lua's
-- cohortReadColumns). headerReply makes it the reply's list: the one place the slots' order is
-- written (leaderboard/read-header.ts reads it from this function to decode the list by name), as
-- one table constructor (an unset slot null), which costs the 304 path's script least.
local function headerReply(h)
  return { h.status, h.periodId or false, h.periodStartedAt or false, h.total or false, h.tiers or false,
    h.version or false, h.columns or false, h.cohorts or false }
end

-- Whether a board option read from the cfg hash is set: board creation stores every option,
-- an unset one as '' (null) or 'false' (a false boolean), so neither counts.
local function optionSet(v)
  return v and v ~= '' and v ~= 'false'
end

-- What every read starts with. Returns nil when the board does not exist; else the read's
-- context, its header (a table by slot name; headerReply makes it the reply's), and the whole
-- reply's header instead when `ifVersion` is the board's version ({ 'NOT_MODIFIED', version }, a
-- status reply like the refusals, kept short for the 304 path: nothing to render). Refuses a board in
-- another layout. `players`: a read of players' standings, whose tournament and cohort helpers
-- get the cfg fields they need (TOURNAMENT_FIELDS, COHORT_FIELDS) from the same HMGET as ctx.cfg,
-- by name (one table constructor: adding fields one by one cost more than the HMGETs it saved);
-- ctx.cfg stays nil on a board with neither cohorts nor an entry rule (nothing to read for them).
local function readContext(cfgKey, verKey, z, r, dz, ifVersion, players)
  local c
  if players then
    c = redis.call('HMGET', cfgKey, 'rankMode', 'period', 'periodStartedAt', 'tiers', 'sortOrder', 'layout',
      'createdAt', 'cols', 'startsAt', 'endsAt', 'activeFor', 'joinRequired', 'maxPlayers', 'maxAttempts',
      'cohortSize', 'leagues', 'demoteInactive')
  else
    c = redis.call('HMGET', cfgKey, 'rankMode', 'period', 'periodStartedAt', 'tiers', 'sortOrder', 'layout',
      'createdAt', 'cols')
  end
  if not c[1] then return nil end
  requireLayout(cfgKey, c[6])
  local version = (c[7] or '') .. '.' .. (redis.call('GET', verKey) or '0')
  -- ifVersion: one version or several, comma-separated (an If-None-Match may list a few).
  if ifVersion and ifVersion ~= '' and string.find(',' .. ifVersion .. ',', ',' .. version .. ',', 1, true) then
    return {}, {}, { 'NOT_MODIFIED', version }
  end
  local ctx = { rankMode = c[1], order = c[5], P = withColumns({ z = z, r = r, dz = dz }, c[8]) }
  if players and (optionSet(c[12]) or optionSet(c[13]) or optionSet(c[14]) or optionSet(c[15])) then
    ctx.cfg = { rankMode = c[1], period = c[2], periodStartedAt = c[3], createdAt = c[7], cols = c[8], startsAt = c[9],
      endsAt = c[10], activeFor = c[11], joinRequired = c[12], maxPlayers = c[13], maxAttempts = c[14],
      cohortSize = c[15], leagues = c[16], demoteInactive = c[17] }
  end
  return ctx, { status = 'OK', periodId = c[2], periodStartedAt = c[3], total = redis.call('ZCARD', z), tiers = c[4],
    version = version, columns = c[8] or '' }
end
