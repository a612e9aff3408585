-- A board's tournament rules (board options startsAt, endsAt, activeFor, joinRequired,
-- maxPlayers, maxAttempts: leaderboard/tournament.ts, README "Tournaments"), decided inside the
-- script of the write they govern (submit, batch, join, PATCH, reset), so N racing requests on
-- any number of api instances are decided one after the other. Times are Valkey's clock (TIME,
-- in ms): the clock that stamps entries, the same for every instance.
-- The options and the keys: tournament-read.lib.lua.
--- @include "tournament-read.lib"
--- @include "time.lib"
--- @include "layout.lib"

-- The reply refusing a request: { 'ENTRY_REFUSED', reason, entry index (0-based; -1 = the
-- whole request), period id, the number the reason names (an instant in ms, a limit), the
-- entry's playerId ('' for the whole request) }.
local function entryRefused(reason, index, t, value, pid)
  return { 'ENTRY_REFUSED', reason, index, t.period or '', string.format('%.0f', value or 0), pid or '' }
end

-- Whether the tournament is over: endsAt has passed, or its last period is closed already (the
-- close opens a period that starts at endsAt, so this holds even when the closing worker's
-- clock ran ahead of Valkey's: nothing submitted after the close lands in the next period).
local function tournamentOver(t, now)
  return t.endsAt ~= nil and (now >= t.endsAt or t.periodStartedAt >= t.endsAt)
end

-- nil when the board takes submissions at `now`, else the refusal: `ended`, `not-started`
-- (not for a join: players may join before the start) or `closed` (activeFor: each period takes
-- submissions that long after it opens, or after startsAt when that is later).
local function windowRefusal(t, now, forJoin)
  if tournamentOver(t, now) then return entryRefused('ended', -1, t, t.endsAt) end
  if t.startsAt and now < t.startsAt then
    if forJoin then return nil end
    return entryRefused('not-started', -1, t, t.startsAt)
  end
  if t.activeFor then
    local opens = t.periodStartedAt
    if t.startsAt and t.startsAt > opens then opens = t.startsAt end
    local closes = opens + t.activeFor * 1000
    if now >= closes then return entryRefused('closed', -1, t, closes) end
  end
  return nil
end

-- How many players hold a seat in the period (the hash's fields but `#period`).
local function seatsTaken(key, current)
  if not current then return 0 end
  return redis.call('HLEN', key) - 1
end

-- The entry rules for a submission of these players (a batch: in order, each entry one
-- attempt); `t`: the board's tournamentFrom (nil: no tournament option set). Returns (refusal, nil) or (nil, what recordAttempts needs; nil when the board keeps
-- no counts). The batch is all or nothing: the first entry breaking a rule refuses it whole.
local function entryRefusal(t, entrantsKey, pids)
  if not t or not t.timed and not t.counting then return nil, nil end
  local w = windowRefusal(t, nowMs(), false)
  if w then return w, nil end
  if not t.counting then return nil, nil end
  local current = entrantsOf(entrantsKey, t.period, true)
  local stored = current and redis.call('HMGET', entrantsKey, unpack(pids)) or {}
  local seats = seatsTaken(entrantsKey, current)
  local after, order = {}, {}
  for i, pid in ipairs(pids) do
    local used = after[pid]
    if used == nil then
      if stored[i] then
        used = tonumber(stored[i])
      elseif t.joinRequired then
        return entryRefused('not-joined', i - 1, t, 0, pid), nil
      elseif t.maxPlayers and seats >= t.maxPlayers then
        return entryRefused('full', i - 1, t, t.maxPlayers, pid), nil
      else
        seats, used = seats + 1, 0
      end
      order[#order + 1] = pid
    end
    if t.maxAttempts and used >= t.maxAttempts then
      return entryRefused('no-attempts-left', i - 1, t, t.maxAttempts, pid), nil
    end
    after[pid] = used + 1
  end
  return nil, { key = entrantsKey, period = t.period, after = after, order = order }
end

-- Stores the attempts of an accepted submission (and the seats it took); moves the board's
-- version, since a player read shows attempts.
local function recordAttempts(counts, verKey)
  if not counts then return end
  local args = { '#period', counts.period }
  for _, pid in ipairs(counts.order) do
    args[#args + 1] = pid
    args[#args + 1] = counts.after[pid]
  end
  redis.call('HSET', counts.key, unpack(args))
  bumpVersion(verKey)
end

-- Erasing a player: their seat and attempts go too.
local function forgetEntrant(key, pid)
  redis.call('HDEL', key, pid)
end

-- A reset's tournament rule (reset.lua, scheduled resets: fire time `fireAt`). `closing` = '1':
-- the close at the tournament's endsAt, which must still be the board's endsAt ({ 'STALE' }
-- otherwise). A schedule's own fire at or after endsAt does nothing ({ 'SKIPPED' }): the close
-- at endsAt ends the last period, and after it the schedule no longer rolls periods.
local function tournamentResetRefusal(cfgKey, closing, fireAt, current)
  local endsAt = tournamentNumber(redis.call('HGET', cfgKey, 'endsAt'))
  if closing == '1' then
    if endsAt ~= fireAt then return { 'STALE', current } end
    return nil
  end
  if endsAt and fireAt >= endsAt then return { 'SKIPPED', current } end
  return nil
end

-- A PATCH's tournament rule (update-board.lua; ARGV: field, value, ...): -2 when it moves
-- startsAt or endsAt of a tournament that is over, -3 when it would leave startsAt at or after
-- endsAt; nil when it may go ahead.
local function tournamentPatchRefusal(cfgKey, fields)
  local t = tournamentOf(cfgKey)
  local startsAt, endsAt, moves = t.startsAt, t.endsAt, false
  for i = 1, #fields, 2 do
    if fields[i] == 'startsAt' then startsAt, moves = tournamentNumber(fields[i + 1]), true end
    if fields[i] == 'endsAt' then endsAt, moves = tournamentNumber(fields[i + 1]), true end
  end
  if not moves then return nil end
  if tournamentOver(t, nowMs()) then return -2 end
  if startsAt and endsAt and startsAt >= endsAt then return -3 end
  return nil
end
