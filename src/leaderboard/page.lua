#!lua flags=allow-oom
-- writes: counters only (the per-IP read counter; see LuaScript.mayWrite)
-- A page of a period.
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the period read), 5 ver, 6.. the per-IP read counter (when the
--       read limit is charged here: see readLimit in standings.lib.lua).
-- ARGV: the rate-limit spec (rate-limit.lib.lua), then offset, limit, ifVersion ('' =
--       unconditional).
-- Returns { header, rows, rate } (see readContext / renderRange / readLimit), { {'NOT_MODIFIED',
-- version}, {}, rate } when ifVersion is the board's version, { {'NOT_FOUND'}, {}, rate } or
-- { {'RATE_LIMITED', index, limit} }.
-- allow-oom: the read counter still counts at maxmemory, so reads keep working (and limited).
--- @include "../valkey/standings.lib"
--- @include "../common/rate-limit.lib"
local CFG, Z, R, DZ, VER = 1, 2, 3, 4, 5
local rate, A = readLimit(6)
if not A then return rate end
local ctx, header, unchanged = readContext(KEYS[CFG], KEYS[VER], KEYS[Z], KEYS[R], KEYS[DZ], A[3])
if not ctx then return { { 'NOT_FOUND' }, {}, rate } end
if unchanged then return { unchanged[1], {}, rate } end
local offset = tonumber(A[1])
-- Past the end: an empty page (and no huge index handed to ZRANGE, which wants an integer).
if offset >= header[4] then return { header, {}, rate } end
return { header, renderRange(ctx.rankMode, ctx.order, ctx.P, offset, offset + tonumber(A[2]) - 1), rate }
