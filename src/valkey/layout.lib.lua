-- The storage layout and the version of a board, which every script of the board's standings
-- checks or moves. Layout: leaderboard/board.keys.ts.

-- The layout this version's scripts read and write (cfg field `layout`; absent = layout 1).
local LAYOUT = '2'

-- Refuses to touch a board whose keys are in another layout (`layout`: its cfg field): the
-- error reply ('LAYOUT …') becomes a 503 with Retry-After (valkey/lua-script.ts) until the
-- startup migration (leaderboard/layout-migration.ts) has converted the board.
local function requireLayout(cfgKey, layout)
  if layout ~= LAYOUT then
    error(redis.error_reply('LAYOUT ' .. cfgKey .. ' is stored in layout ' .. (layout or '1') ..
      ', not ' .. LAYOUT .. ': its migration has not finished yet'))
  end
end

-- Every script that changes what a read returns moves the board's version counter; reads answer
-- "<createdAt>.<counter>", and the counter starts at the creation's clock in microseconds
-- (create-board.lua), so a board deleted and created again never repeats a value.
local function bumpVersion(verKey)
  redis.call('INCR', verKey)
end
