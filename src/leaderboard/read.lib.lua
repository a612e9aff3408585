-- The start every period read shares (page.lua, around.lua, players.lua), current or archived.
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the period read), 5 ver, 6.. the per-IP read counter (when the
--       read limit is charged in the script: see readLimit in rate-limit.lib.lua).
-- ARGV: the rate-limit spec (rate-limit.lib.lua), then the script's own arguments.
-- allow-oom (the scripts' flag): the read counter still counts at maxmemory, so reads keep
-- working, and limited, while writes are refused.
--- @include "../valkey/standings.lib"
--- @include "../common/rate-limit.lib"

-- Charges the read limit, then reads the board's context (see readContext, and its `players`). Returns (nil, reply) when the script must answer at once:
-- { {'RATE_LIMITED', index, limit} }, { {'NOT_FOUND'}, {}, rate }, { {'PERIOD_NOT_FOUND'}, {}, rate }
-- (an archived period the board does not have) or { {'NOT_MODIFIED', version}, {}, rate }; otherwise (ctx, header, rate, the script's own arguments),
-- the header a table that the script's reply gives as headerReply(header). `ifVersionAt`: where
-- ifVersion is in those arguments.
local function beginRead(ifVersionAt, players)
  local rate, A = readLimit(6)
  if not A then return nil, rate end
  local ctx, header, unchanged = readContext(KEYS[1], KEYS[5], KEYS[2], KEYS[3], KEYS[4], A[ifVersionAt], players)
  if not ctx then return nil, { { 'NOT_FOUND' }, {}, rate } end
  -- An archived period's keys (see archivedPeriodKeys): it must be in the board's archive index
  -- ({lb:id}:pmeta, named after the cfg key: same hash tag), or the read is { {'PERIOD_NOT_FOUND'},
  -- {}, rate } rather than an empty period (nor a 304: checked before the version); so an
  -- archived read is one call too.
  local archived = string.match(KEYS[2], ':arc:(%d+):z$')
  if archived and redis.call('HEXISTS', string.sub(KEYS[1], 1, -4) .. 'pmeta', archived) == 0 then
    return nil, { { 'PERIOD_NOT_FOUND' }, {}, rate }
  end
  if unchanged then return nil, { unchanged, {}, rate } end
  return ctx, header, rate, A
end
