-- Stores computed stats only while the board exists with the generation they were computed
-- for: a recomputation that finishes after a delete never re-creates the key.
-- KEYS: cfg, stats. ARGV: generation, stats JSON. Returns 1 if stored, 0 otherwise.
if redis.call('HGET', KEYS[1], 'createdAt') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
