-- Removes up to `count` players whose score is within [min, max] (inclusive) from the
-- current period. Called repeatedly so a huge purge never blocks Valkey for long.
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the current period), 5 ver.
-- ARGV: 1 min score, 2 max score, 3 count.
-- Returns the number removed, or -1 if the board does not exist.
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
--- @include "../valkey/cohorts.lib"
local CFG, Z, R, DZ, VER = 1, 2, 3, 4, 5
local c = redis.call('HMGET', KEYS[CFG], 'sortOrder', 'layout', 'cols')
if not c[1] then return -1 end
requireLayout(KEYS[CFG], c[2])
local lo, hi = ARGV[1], ARGV[2]
if c[1] == 'desc' then lo, hi = toK('desc', ARGV[2]), toK('desc', ARGV[1]) end
local members = redis.call('ZRANGE', KEYS[Z], lo, hi, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]))
local P = periodOf(KEYS[Z], KEYS[R], KEYS[DZ], c[3])
-- Hidden players' entries in the range go too (zh: valkey/hidden.lib.lua).
if #members < tonumber(ARGV[3]) then
  for _, m in ipairs(redis.call('ZRANGE', P.zh, lo, hi, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]) - #members)) do
    members[#members + 1] = m
  end
end
cohortRemovals(KEYS[CFG], P)
local removed = 0
for _, member in ipairs(members) do
  removed = removed + removePlayer(P, string.sub(member, P.skip + 1))
end
if removed > 0 then bumpVersion(KEYS[VER]) end
return removed
