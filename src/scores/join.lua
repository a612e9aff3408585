-- A player joins the current period of a tournament board (joinRequired, maxPlayers,
-- maxAttempts: valkey/tournament.lib.lua), atomically: N racing joins for the last seat, on any
-- number of api instances, seat exactly one. Joining twice is a no-op. Joins are accepted
-- before startsAt, refused once the tournament ended or the period's activeFor window closed.
-- KEYS: 1 cfg, 2 entrants, 3.. rate-limit counters (rate-limit.lib.lua; their spec leads ARGV).
-- ARGV: the rate-limit spec, then refusedOutside ('1' = a counter checked outside the script
--       has no room, '' = none), playerId.
-- Returns { 'JOINED', periodId, seats taken, 1 if seated now / 0 if already, limit, remaining },
-- { 'NOT_FOUND' }, { 'NO_ENTRY_RULES' } (the board takes no joins), { 'RATE_LIMITED', index,
-- limit } or { 'ENTRY_REFUSED', … } (ended, closed, full).
--- @include "../common/rate-limit.lib"
--- @include "../valkey/time.lib"
--- @include "../valkey/tournament-read.lib"
--- @include "../valkey/tournament.lib"
local CFG, ENTRANTS, RATE_KEYS_FROM = 1, 2, 3
local nLimits, A = limitArgs()
local refusedOutside, pid = A[1] == '1', A[2]
if redis.call('EXISTS', KEYS[CFG]) == 0 then return { 'NOT_FOUND' } end
local t = tournamentOf(KEYS[CFG])
if not t.counting then return { 'NO_ENTRY_RULES' } end
if refusedOutside then return { 'RATE_LIMITED', 0 } end
local limited = checkLimits(RATE_KEYS_FROM, nLimits)
if limited then return limited end
local refusal = windowRefusal(t, nowMs(), true)
if refusal then return refusal end
local current = entrantsOf(KEYS[ENTRANTS], t.period, true)
local seats = seatsTaken(KEYS[ENTRANTS], current)
local seated = 0
if not (current and redis.call('HEXISTS', KEYS[ENTRANTS], pid) == 1) then
  if t.maxPlayers and seats >= t.maxPlayers then return entryRefused('full', 0, t, t.maxPlayers, pid) end
  redis.call('HSET', KEYS[ENTRANTS], '#period', t.period, pid, 0)
  seats, seated = seats + 1, 1
end
local limit, left = takeLimits(RATE_KEYS_FROM, nLimits)
return { 'JOINED', t.period, seats, seated, limit, left }
