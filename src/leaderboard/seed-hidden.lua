-- Copies the global registry's hidden players into the hidden set of a board about to be created,
-- so its very first submissions already know them. Touches nothing once the board exists (a board
-- that existed already keeps its set; hide-players.lua keeps it in step).
-- KEYS: 1 cfg, 2 hidden set.
-- ARGV: 1 '1' = the first chunk (drops any set a deleted board of the id left), 2.. playerIds.
-- Returns 1 if seeded, 0 if the board exists.
local CFG, HIDDEN = 1, 2
if redis.call('EXISTS', KEYS[CFG]) == 1 then return 0 end
if ARGV[1] == '1' then redis.call('DEL', KEYS[HIDDEN]) end
if #ARGV > 1 then redis.call('SADD', KEYS[HIDDEN], unpack(ARGV, 2)) end
return 1
