-- A board's tournament options and a read of its players' attempts (player reads include this
-- alone); tournament.lib.lua holds the rules the writes apply. Keys: the board's cfg hash and its
-- entrants hash (leaderboard/tournament.keys.ts): field `#period` = the period it belongs to, every
-- other field a seated playerId -> attempts.
--- @include "board.lib"

local function tournamentNumber(v)
  if v and v ~= '' then return tonumber(v) end
  return nil
end

-- The cfg fields tournamentFrom reads (boardConfig in board.lib.lua).
local TOURNAMENT_FIELDS = { 'startsAt', 'endsAt', 'activeFor', 'joinRequired', 'maxPlayers', 'maxAttempts', 'period',
  'periodStartedAt' }

-- The board's tournament options, current period and period start, from its cfg fields read by
-- boardConfig (TOURNAMENT_FIELDS among them). `counting`: seats and attempts are kept (an entry
-- rule is set); `timed`: a time rule is set.
local function tournamentFrom(c)
  cfgHas(c, TOURNAMENT_FIELDS)
  local t = { startsAt = tournamentNumber(c.startsAt), endsAt = tournamentNumber(c.endsAt),
    activeFor = tournamentNumber(c.activeFor), joinRequired = c.joinRequired == 'true',
    maxPlayers = tournamentNumber(c.maxPlayers), maxAttempts = tournamentNumber(c.maxAttempts),
    maxAttemptsText = c.maxAttempts or '', period = c.period, periodStartedAt = tonumber(c.periodStartedAt or '0') }
  t.counting = t.joinRequired or t.maxPlayers ~= nil or t.maxAttempts ~= nil
  t.timed = t.startsAt ~= nil or t.endsAt ~= nil or t.activeFor ~= nil
  return t
end

-- The same for a script that reads no other cfg field.
local function tournamentOf(cfgKey)
  return tournamentFrom(boardConfig(cfgKey, TOURNAMENT_FIELDS))
end

-- Whether the entrants hash belongs to `period`. One left by an older period is dropped when
-- `drop` (a write: UNLINK frees it off the main thread); a read just sees it as empty.
local function entrantsOf(key, period, drop)
  local owner = redis.call('HGET', key, '#period')
  if owner == period then return true end
  if owner and drop then redis.call('UNLINK', key) end
  return false
end

-- Attempts for a read of the current period's players (players.lua; writes nothing; `t`: the
-- board's tournamentFrom): {} when there is no entrants key (another period is read) or the board
-- counts no attempts, else { maxAttempts ('' = unlimited), then each player's attempts
-- (pids[from..], in order) }.
local function attemptsRead(t, entrantsKey, pids, from)
  if not entrantsKey or not t.counting then return {} end
  local out = { t.maxAttemptsText }
  local current = entrantsOf(entrantsKey, t.period, false)
  for i = from, #pids do
    out[#out + 1] = current and tonumber(redis.call('HGET', entrantsKey, pids[i]) or '0') or 0
  end
  return out
end
