#!lua flags=no-writes
-- `limit` consecutive entries containing the player, centred on them and shifted to stay
-- full at either end. KEYS: cfg, z, h, dz. ARGV: playerId, limit.
local rankMode, header = readHeader(KEYS[1], KEYS[2])
if not rankMode then return { { 'NOT_FOUND' } } end
local v = redis.call('HGET', KEYS[3], ARGV[1])
if not v then return { { 'PLAYER_NOT_FOUND' } } end
local seq = unpackEntry(v)
local index = redis.call('ZRANK', KEYS[2], seq .. ARGV[1])
local limit, total = tonumber(ARGV[2]), header[4]
local start = index - math.floor((limit - 1) / 2)
if start + limit > total then start = total - limit end
if start < 0 then start = 0 end
return { header, renderRange(rankMode, KEYS[2], KEYS[3], KEYS[4], start, start + limit - 1) }
