-- Takes a board's live publish slot. KEYS: cfg, gate. ARGV: interval ms.
-- Returns { 0, generation } when taken, { ms left, '' } when another publish holds it, and
-- { -1, '' } when the board no longer exists (nothing is written then).
local gen = redis.call('HGET', KEYS[1], 'createdAt')
if not gen then return { -1, '' } end
if redis.call('SET', KEYS[2], '1', 'PX', ARGV[1], 'NX') then return { 0, gen } end
local left = redis.call('PTTL', KEYS[2])
if left < 1 then left = 1 end
return { left, '' }
