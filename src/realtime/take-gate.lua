-- Takes a board's live publish slot.
-- KEYS: 1 cfg, 2 gate.
-- ARGV: 1 interval ms.
-- Returns { 0, generation } when taken, { ms left, '' } when another publish holds it, and
-- { -1, '' } when the board no longer exists (nothing is written then).
--- @include "../valkey/board.lib"
local CFG, GATE = 1, 2
local gen = boardGeneration(KEYS[CFG])
if not gen then return { -1, '' } end
if redis.call('SET', KEYS[GATE], '1', 'PX', ARGV[1], 'NX') then return { 0, gen } end
local left = redis.call('PTTL', KEYS[GATE])
if left < 1 then left = 1 end
return { left, '' }
