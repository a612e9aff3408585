#!lua flags=no-writes
-- A page of a period. KEYS: cfg, z, h, dz. ARGV: offset, limit.
-- Returns { header, rows } (see readHeader / renderRange) or { {'NOT_FOUND'} }.
local rankMode, header = readHeader(KEYS[1], KEYS[2])
if not rankMode then return { { 'NOT_FOUND' } } end
local offset = tonumber(ARGV[1])
-- Past the end: an empty page (and no huge index handed to ZRANGE, which wants an integer).
if offset >= header[4] then return { header, {} } end
return { header, renderRange(rankMode, KEYS[2], KEYS[3], KEYS[4], offset, offset + tonumber(ARGV[2]) - 1) }
