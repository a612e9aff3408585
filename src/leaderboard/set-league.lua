-- Sets a player's league on a board with leagues (admin): first settles the cohorts the player
-- was in during closed periods not settled yet (and its demotions for not playing in them), so a
-- movement still due cannot overwrite the
-- admin's choice afterwards. Takes effect at the player's next placement: a player already
-- placed in the current period stays in their cohort, and its close moves them as usual.
-- KEYS: 1 cfg, 2 ver. ARGV: 1 playerId, 2 league name.
-- Returns { 'OK', previous league name or '' } | { 'NOT_FOUND' } | { 'NO_LEAGUES' } |
-- { 'UNKNOWN_LEAGUE' }.
--- @include "../valkey/cohorts-read.lib"
--- @include "../valkey/cohorts.lib"
--- @include "../valkey/layout.lib"
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'NOT_FOUND' } end
local co = cohortConfig(KEYS[1])
if not co or not co.leagues then return { 'NO_LEAGUES' } end
local L
for i, league in ipairs(co.leagues) do
  if league.name == ARGV[2] then L = i - 1 end
end
if not L then return { 'UNKNOWN_LEAGUE' } end
local pid = ARGV[1]
settlePlayer(co, pid)
local previous = leagueEntry(co, pid)
-- Counted from the current period: a close still to be settled never demotes it (demoteInactive).
setLeague(co, pid, L, tonumber(co.period))
bumpVersion(KEYS[2])
return { 'OK', previous and leagueName(co, previous) or '' }
