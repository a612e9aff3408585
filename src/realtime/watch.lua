-- Takes or extends one holder's watch leases (never shortens one), only while the board exists,
-- and keeps the last published snapshot and player states alive while anyone watches (a quiet
-- board's subscribers would otherwise get a full "everything changed" publish after the state
-- expired). At most `max` players may be watched on the board: in strict mode (a subscribe) a
-- request that needs more room than is left writes nothing; in renew mode (an instance renewing
-- what its sockets hold) players that no longer fit are skipped.
-- KEYS: 1 cfg, 2 tops, 3 players, 4 snap, 5 pstate, 6 holders.
-- ARGV: 1 holder, 2 now (ms), 3 lease end (ms), 4 key ttl (ms), 5 max players (0 = no cap),
--       6 mode ('strict' or 'renew'), 7 state ttl (s), 8 number of tops N, then N tops, then
--       distinct player ids.
-- Returns { 'OK', skipped }, { 'FULL', players watched } (strict, nothing written), or
-- { 'GONE' } when the board does not exist (nothing written).
--- @include "live.lib"
local CFG, TOPS, PLAYERS, SNAP, PSTATE, HOLDERS = 1, 2, 3, 4, 5, 6
local HOLDER, NOW, LEASE_END, KEY_TTL, MAX, MODE, STATE_TTL, NTOPS = 1, 2, 3, 4, 5, 6, 7, 8
local TOPS_FROM = 9
if redis.call('EXISTS', KEYS[CFG]) == 0 then return { 'GONE' } end
local holder, now, leaseEnd = ARGV[HOLDER], tonumber(ARGV[NOW]), ARGV[LEASE_END]
local max, strict, ntops = tonumber(ARGV[MAX]), ARGV[MODE] == 'strict', tonumber(ARGV[NTOPS])
local playersFrom = TOPS_FROM + ntops

dropExpiredWatches(KEYS[PLAYERS], KEYS[HOLDERS], KEYS[PSTATE], now)

-- Players already watched (by anyone) take no room; new ones take what is left.
local capped = max > 0
local room = capped and max - redis.call('ZCARD', KEYS[PLAYERS]) or 0
local admitted, added, skipped = {}, 0, 0
for i = playersFrom, #ARGV do
  if redis.call('ZSCORE', KEYS[PLAYERS], ARGV[i]) then
    admitted[#admitted + 1] = ARGV[i]
  elseif not capped or added < room then
    added = added + 1
    admitted[#admitted + 1] = ARGV[i]
  else
    skipped = skipped + 1
  end
end
if strict and skipped > 0 then return { 'FULL', redis.call('ZCARD', KEYS[PLAYERS]) } end

for i = TOPS_FROM, playersFrom - 1 do
  redis.call('ZADD', KEYS[TOPS], 'GT', leaseEnd, ARGV[i])
end
if ntops > 0 then redis.call('PEXPIRE', KEYS[TOPS], ARGV[KEY_TTL]) end
for _, pid in ipairs(admitted) do
  local list, mine = validHolders(redis.call('HGET', KEYS[HOLDERS], pid), now), false
  for _, h in ipairs(list) do
    if h[1] == holder then
      mine = true
      if tonumber(h[2]) < tonumber(leaseEnd) then h[2] = leaseEnd end
    end
  end
  if not mine then list[#list + 1] = { holder, leaseEnd } end
  storeHolders(KEYS[HOLDERS], pid, list)
  redis.call('ZADD', KEYS[PLAYERS], 'GT', leaseEnd, pid)
end
if #admitted > 0 then
  redis.call('PEXPIRE', KEYS[PLAYERS], ARGV[KEY_TTL])
  redis.call('PEXPIRE', KEYS[HOLDERS], ARGV[KEY_TTL])
end
redis.call('EXPIRE', KEYS[SNAP], ARGV[STATE_TTL])
redis.call('EXPIRE', KEYS[PSTATE], ARGV[STATE_TTL])
return { 'OK', skipped }
