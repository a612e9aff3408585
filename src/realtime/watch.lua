-- Takes or extends watch leases (never shortens one), only while the board exists.
-- KEYS: cfg, tops, players. ARGV: lease end (ms), key ttl (ms), number of tops, tops...,
-- then player ids. Returns 1 if written, 0 if the board is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local until_, ttl, ntops = ARGV[1], ARGV[2], tonumber(ARGV[3])
for i = 4, 3 + ntops do redis.call('ZADD', KEYS[2], 'GT', until_, ARGV[i]) end
if ntops > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
if #ARGV > 3 + ntops then
  for i = 4 + ntops, #ARGV do redis.call('ZADD', KEYS[3], 'GT', until_, ARGV[i]) end
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return 1
