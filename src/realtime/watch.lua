-- Takes or extends watch leases (never shortens one), only while the board exists, and keeps
-- the last published snapshot and player states alive while anyone watches (a quiet board's
-- subscribers would otherwise get a full "everything changed" publish after the state expired).
-- KEYS: cfg, tops, players, snap, pstate. ARGV: lease end (ms), key ttl (ms), number of tops,
-- tops..., then player ids, then the state ttl (s) last. Returns 1 if written, 0 if the board
-- is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local until_, ttl, ntops = ARGV[1], ARGV[2], tonumber(ARGV[3])
local last = #ARGV - 1
for i = 4, 3 + ntops do redis.call('ZADD', KEYS[2], 'GT', until_, ARGV[i]) end
if ntops > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
if last > 3 + ntops then
  for i = 4 + ntops, last do redis.call('ZADD', KEYS[3], 'GT', until_, ARGV[i]) end
  redis.call('PEXPIRE', KEYS[3], ttl)
end
redis.call('EXPIRE', KEYS[4], ARGV[#ARGV])
redis.call('EXPIRE', KEYS[5], ARGV[#ARGV])
return 1
