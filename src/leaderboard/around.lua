#!lua flags=no-writes
-- `limit` consecutive entries containing the player, centred on them and shifted to stay
-- full at either end.
-- KEYS: 1 cfg, 2 z, 3 h, 4 dz (of the period read).
-- ARGV: 1 playerId, 2 limit.
-- Returns { header, rows } (see readHeader / renderRange), { {'NOT_FOUND'} } or
-- { {'PLAYER_NOT_FOUND'} }.
--- @include "../valkey/standings.lib"
local CFG, Z, H, DZ = 1, 2, 3, 4
local rankMode, header = readHeader(KEYS[CFG], KEYS[Z])
if not rankMode then return { { 'NOT_FOUND' } } end
local v = redis.call('HGET', KEYS[H], ARGV[1])
if not v then return { { 'PLAYER_NOT_FOUND' } } end
local seq = unpackEntry(v)
local index = redis.call('ZRANK', KEYS[Z], seq .. ARGV[1])
local limit, total = tonumber(ARGV[2]), header[4]
local start = index - math.floor((limit - 1) / 2)
if start + limit > total then start = total - limit end
if start < 0 then start = 0 end
return { header, renderRange(rankMode, KEYS[Z], KEYS[H], KEYS[DZ], start, start + limit - 1) }
