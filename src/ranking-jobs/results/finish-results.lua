-- Marks a closed period's results as stored and announced: drops its pending entry, unless that
-- entry belongs to another generation of the board (the id deleted and created again).
-- KEYS: 1 results-pending.
-- ARGV: 1 periodId, 2 generation.
-- Returns 1 if the entry was dropped, else 0.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
if not string.find(raw, '{"generation":' .. ARGV[2] .. ',', 1, true) then return 0 end
return redis.call('HDEL', KEYS[1], ARGV[1])
