#!lua flags=allow-oom
-- writes: counters only (the per-IP read counter; see LuaScript.mayWrite)
-- A page of a period.
-- KEYS, ARGV: see read.lib.lua; the script's own arguments are offset, limit, ifVersion ('' =
--       unconditional).
-- Returns { header, rows, rate } (see readContext / renderRange / readLimit), { {'NOT_MODIFIED',
-- version}, {}, rate } when ifVersion is the board's version, { {'NOT_FOUND'}, {}, rate } or
-- { {'RATE_LIMITED', index, limit} }.
--- @include "../valkey/standings.lib"
--- @include "read.lib"
local ctx, header, rate, A = beginRead(3)
if not ctx then return header end -- the answer already: refused, not found or not modified
local offset = tonumber(A[1])
-- Past the end: an empty page (and no huge index handed to ZRANGE, which wants an integer).
if offset >= header.total then return { headerReply(header), {}, rate } end
return { headerReply(header), renderRange(ctx.rankMode, ctx.order, ctx.P, offset, offset + tonumber(A[2]) - 1), rate }
