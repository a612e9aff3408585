-- A board's configuration hash and archived periods, for the scripts of every feature that
-- keeps keys under a board's tag. Layout: leaderboard/board.keys.ts.

-- A board's cfg fields `names` (a list), read in one HMGET: c[field] = its value (false when
-- absent). A script whose helpers read the cfg (tournamentFrom, cohortFrom) reads the fields they
-- all need in one call (written out once: merging their lists here cost more than the HMGETs it
-- saved) and hands them the same table; each helper checks its fields are there (cfgHas).
local function boardConfig(cfgKey, names)
  local v = redis.call('HMGET', cfgKey, unpack(names))
  local c = {}
  for i = 1, #names do c[names[i]] = v[i] end
  return c
end

-- Errors when `c` lacks a field of `names`: an absent field reads as false, so nil means the
-- script never asked for it (a programming error every test of the script would show).
local function cfgHas(c, names)
  for i = 1, #names do
    if c[names[i]] == nil then error('cfg field ' .. names[i] .. ' was not read') end
  end
end

-- The board's generation: its creation time (`createdAt` in {lb:id}:cfg), which tells a board
-- from a deleted one of the same id. nil when the board does not exist, or when `expected` is
-- given and the board is of another generation.
local function boardGeneration(cfgKey, expected)
  local gen = redis.call('HGET', cfgKey, 'createdAt')
  if not gen or (expected ~= nil and gen ~= expected) then return nil end
  return gen
end

-- An archived period's keys z, r, dz (the current period's layout), from the archive key
-- prefix ("{lb:id}:arc:") and the period id. Archive keys share the board's hash tag, so any
-- script of the board may touch them.
local function archivedPeriodKeys(archivePrefix, periodId)
  local base = archivePrefix .. periodId .. ':'
  return base .. 'z', base .. 'r', base .. 'dz'
end

-- Drops an archived period's keys, its hidden players' zset (zh), those of layout 1 (h, dc) and of
-- a migration under way (zn) included, and its results (ranking-jobs/results: kept as long as the
-- period); UNLINK frees the memory off the main thread.
local function unlinkArchivedPeriod(archivePrefix, periodId)
  local base = archivePrefix .. periodId .. ':'
  redis.call('UNLINK', base .. 'z', base .. 'r', base .. 'dz', base .. 'h', base .. 'dc', base .. 'zn', base .. 'zh',
    base .. 'results')
end
