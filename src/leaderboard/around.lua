#!lua flags=allow-oom
-- writes: counters only (the per-IP read counter; see LuaScript.mayWrite)
-- `limit` consecutive entries containing the player, centred on them and shifted to stay
-- full at either end.
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the period read), 5 ver, 6.. the per-IP read counter (see
--       page.lua).
-- ARGV: the rate-limit spec (rate-limit.lib.lua), then playerId, limit, ifVersion ('' =
--       unconditional).
-- Returns { header, rows, rate } (see readContext / renderRange / readLimit), { {'NOT_MODIFIED',
-- version}, {}, rate }, { {'NOT_FOUND'}, {}, rate }, { {'PLAYER_NOT_FOUND'}, {}, rate } or
-- { {'RATE_LIMITED', index, limit} }.
--- @include "../valkey/standings.lib"
--- @include "../common/rate-limit.lib"
local CFG, Z, R, DZ, VER = 1, 2, 3, 4, 5
local rate, A = readLimit(6)
if not A then return rate end
local ctx, header, unchanged = readContext(KEYS[CFG], KEYS[VER], KEYS[Z], KEYS[R], KEYS[DZ], A[3])
if not ctx then return { { 'NOT_FOUND' }, {}, rate } end
if unchanged then return { unchanged[1], {}, rate } end
local rec = getRecord(ctx.P, A[1])
if not rec then return { { 'PLAYER_NOT_FOUND' }, {}, rate } end
local index = redis.call('ZRANK', KEYS[Z], seqPrefix(tonumber(string.sub(rec, 1, 14), 16)) .. A[1])
local limit, total = tonumber(A[2]), header[4]
local start = index - math.floor((limit - 1) / 2)
if start + limit > total then start = total - limit end
if start < 0 then start = 0 end
return { header, renderRange(ctx.rankMode, ctx.order, ctx.P, start, start + limit - 1), rate }
