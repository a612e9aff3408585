-- Takes or extends watch leases (never shortens one), only while the board exists, and keeps
-- the last published snapshot and player states alive while anyone watches (a quiet board's
-- subscribers would otherwise get a full "everything changed" publish after the state expired).
-- KEYS: 1 cfg, 2 tops, 3 players, 4 snap, 5 pstate.
-- ARGV: 1 lease end (ms), 2 key ttl (ms), 3 number of tops N, then N tops, then player ids,
--       then the state ttl (s) last.
-- Returns 1 if written, 0 if the board is gone.
local CFG, TOPS, PLAYERS, SNAP, PSTATE = 1, 2, 3, 4, 5
local TOPS_FROM = 4
if redis.call('EXISTS', KEYS[CFG]) == 0 then return 0 end
local until_, ttl, ntops = ARGV[1], ARGV[2], tonumber(ARGV[3])
local last = #ARGV - 1
for i = TOPS_FROM, TOPS_FROM + ntops - 1 do redis.call('ZADD', KEYS[TOPS], 'GT', until_, ARGV[i]) end
if ntops > 0 then redis.call('PEXPIRE', KEYS[TOPS], ttl) end
local playersFrom = TOPS_FROM + ntops
if last >= playersFrom then
  for i = playersFrom, last do redis.call('ZADD', KEYS[PLAYERS], 'GT', until_, ARGV[i]) end
  redis.call('PEXPIRE', KEYS[PLAYERS], ttl)
end
redis.call('EXPIRE', KEYS[SNAP], ARGV[#ARGV])
redis.call('EXPIRE', KEYS[PSTATE], ARGV[#ARGV])
return 1
