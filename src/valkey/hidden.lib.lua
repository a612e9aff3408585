-- Hidden players (shadow-ban), read side. A hidden player's entries live in the period's zh (same
-- member and score as they would have in z; their records stay in r), so everything that counts or
-- lists z (pages, totals, ranks, stats, tiers, lookups, live events) sees only the visible players.
-- A read addressed by the player's own id (their player read, their around-me, their standings on
-- every board) shows a plausible standing instead: the one they would have if they alone were
-- visible besides the visible players, computed against z without writing anything, with the total
-- counting them (visible + 1). hidden-write.lib.lua moves entries between z and zh.
--- @include "standings.lib"

-- The tie-break sequence at the front of a member of a board without columns, as a number.
local function memberSeq(member)
  local n = 0
  for i = 1, 7 do n = n * 256 + string.byte(member, i) end
  return n
end

-- The rank `member` (score k, not in z) would have among the visible players of P. competition and
-- dense count what is strictly better, which rankOf reads without the member; an ordinal rank counts
-- the entries before it: with columns the member bytes alone are the ranking order (ZLEXCOUNT);
-- without, the entries with a better k, then the equal ones with an earlier sequence, found by a
-- binary search over their positions (they are consecutive, in sequence order): O(log² N).
local function rankAmongVisible(rankMode, P, member, k)
  if rankMode ~= 'ordinal' then return rankOf(rankMode, P, member, k) end
  if P.nc > 0 then return redis.call('ZLEXCOUNT', P.z, '-', '(' .. member) + 1 end
  local lo = redis.call('ZCOUNT', P.z, '-inf', '(' .. k)
  local hi = redis.call('ZCOUNT', P.z, '-inf', k)
  local seq = memberSeq(member)
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if memberSeq(redis.call('ZRANGE', P.z, mid, mid)[1]) < seq then lo = mid + 1 else hi = mid end
  end
  return lo + 1
end

-- A hidden player's score (decimal) and plausible rank, from their record and member; nil when the
-- member is not in zh either.
local function hiddenStanding(rankMode, order, P, member)
  local k = redis.call('ZSCORE', P.zh, member)
  if not k then return nil end
  return toK(order, k), rankAmongVisible(rankMode, P, member, k), k
end

-- A read addressed by the player's own id: their record, score and rank, visible or hidden (then
-- plausible, and the header's total, header.total, counts them); nil when they are not on the period.
local function ownStandingOf(ctx, header, pid)
  local rec, a, b = standingOf(ctx.rankMode, ctx.order, ctx.P, pid)
  if rec or not a then return rec, a, b end
  local score, rank = hiddenStanding(ctx.rankMode, ctx.order, ctx.P, b)
  if not score then return nil end
  header.total = header.total + 1
  return a, score, rank
end

-- A hidden player's own around-me window: `limit` consecutive rows of the board made of the visible
-- players and them, centred on them as around.lua centres a visible player. The visible rows are one
-- renderRange; those placed after the player move down one rank: ordinal, all of them; competition,
-- those worse than the player (not the visible ones tied with them, which come after them when they
-- reached the tie earlier); dense, the same ones, when no visible player holds the player's score or
-- tuple. Returns the rows and counts the player in header.total, or nil when they are not in zh.
local function hiddenAround(ctx, header, rec, pid, limit)
  local P, rankMode = ctx.P, ctx.rankMode
  local member = memberOf(P, rec, pid)
  local score, rank, k = hiddenStanding(rankMode, ctx.order, P, member)
  if not score then return nil end
  local index = rank - 1
  -- Visible positions from `shiftFrom` on move down a rank (none when shiftFrom is nil).
  local shiftFrom
  if rankMode == 'ordinal' then
    shiftFrom = index
  else
    index = rankAmongVisible('ordinal', P, member, k) - 1
    local better, ties
    if P.nc > 0 then
      local prefix = string.sub(member, 1, P.skip - 7)
      better = redis.call('ZLEXCOUNT', P.z, '-', '(' .. prefix)
      ties = redis.call('ZLEXCOUNT', P.z, '[' .. prefix, '(' .. prefix .. '\255')
    else
      better = redis.call('ZCOUNT', P.z, '-inf', '(' .. k)
      ties = redis.call('ZCOUNT', P.z, k, k)
    end
    -- the visible players tied with the player and placed after them: ties - (index - better)
    if rankMode == 'competition' or ties == 0 then shiftFrom = better + ties end
  end
  local total = header.total + 1
  header.total = total
  local start = index - math.floor((limit - 1) / 2)
  if start + limit > total then start = total - limit end
  if start < 0 then start = 0 end
  local rows = renderRange(rankMode, ctx.order, P, start, start + limit - 2)
  local out = {}
  local function push(a, b, c, d)
    local o = #out
    out[o + 1], out[o + 2], out[o + 3], out[o + 4] = a, b, c, d
  end
  local at = index - start -- rows of the window before the player's
  for n = 0, #rows / 4 - 1 do
    if n == at then push(pid, rec, score, rank) end
    local r = rows[4 * n + 4]
    if shiftFrom and start + n >= shiftFrom then r = r + 1 end
    push(rows[4 * n + 1], rows[4 * n + 2], rows[4 * n + 3], r)
  end
  if at >= #rows / 4 then push(pid, rec, score, rank) end
  return out
end
