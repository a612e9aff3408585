#!lua flags=no-writes
-- A page of a period.
-- KEYS: 1 cfg, 2 z, 3 h, 4 dz (of the period read).
-- ARGV: 1 offset, 2 limit.
-- Returns { header, rows } (see readHeader / renderRange) or { {'NOT_FOUND'} }.
--- @include "../valkey/standings.lib"
local CFG, Z, H, DZ = 1, 2, 3, 4
local rankMode, header = readHeader(KEYS[CFG], KEYS[Z])
if not rankMode then return { { 'NOT_FOUND' } } end
local offset = tonumber(ARGV[1])
-- Past the end: an empty page (and no huge index handed to ZRANGE, which wants an integer).
if offset >= header[4] then return { header, {} } end
return { header, renderRange(rankMode, KEYS[Z], KEYS[H], KEYS[DZ], offset, offset + tonumber(ARGV[2]) - 1) }
