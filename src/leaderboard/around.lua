#!lua flags=allow-oom
-- writes: counters only (the per-IP read counter; see LuaScript.mayWrite)
-- `limit` consecutive entries containing the player, centred on them and shifted to stay
-- full at either end.
-- KEYS, ARGV: see read.lib.lua; the script's own arguments are playerId, limit, ifVersion
--       ('' = unconditional).
-- Returns { header, rows, rate } (see readContext / renderRange / readLimit), { {'NOT_MODIFIED',
-- version}, {}, rate }, { {'NOT_FOUND'}, {}, rate }, { {'PLAYER_NOT_FOUND'}, {}, rate } or
-- { {'RATE_LIMITED', index, limit} }.
--- @include "../valkey/standings.lib"
--- @include "read.lib"
--- @include "../valkey/hidden.lib"
local ctx, header, rate, A = beginRead(3)
if not ctx then return header end -- the answer already: refused, not found or not modified
local rec = getRecord(ctx.P, A[1])
if not rec then return { { 'PLAYER_NOT_FOUND' }, {}, rate } end
local index = redis.call('ZRANK', ctx.P.z, memberOf(ctx.P, rec, A[1]))
-- Not in z: a hidden player reading their own window (valkey/hidden.lib.lua).
if not index then
  local rows = hiddenAround(ctx, header, rec, A[1], tonumber(A[2]))
  if not rows then return { { 'PLAYER_NOT_FOUND' }, {}, rate } end
  return { headerReply(header), rows, rate }
end
local limit, total = tonumber(A[2]), header.total
local start = index - math.floor((limit - 1) / 2)
if start + limit > total then start = total - limit end
if start < 0 then start = 0 end
return { headerReply(header), renderRange(ctx.rankMode, ctx.order, ctx.P, start, start + limit - 1), rate }
