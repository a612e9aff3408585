-- One submission in one round trip: mode, tie-break, metadata, previous and new standing.
-- ARGV: 1 playerId, 2 score, 3 displayName ('' = keep), 4 metadata JSON ('' = keep), 5 body hash ('' = no idempotency key)
local b = loadBoard()
if not b then return { 'NOT_FOUND' } end
local replay = idempotentReplay(ARGV[5])
if replay then return replay end
local r = apply(b, ARGV[1], ARGV[2], ARGV[3], ARGV[4], nowMs())
if r[1] == 'OUT_OF_BOUNDS' then return r end
local encoded = table.concat(r, '\t')
remember(ARGV[5], encoded)
return { 'OK', encoded }
