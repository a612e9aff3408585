-- Hidden players (shadow-ban), write side: moving a player's entry between a period's z (visible)
-- and zh (hidden; see hidden.lib.lua), and the submissions of a hidden player. The board's hidden
-- players are the set "{lb:id}:hidden", named after its cfg key ("{lb:id}:cfg", same hash tag).
-- A submission of a hidden player is applied with their entry moved into z first and back into zh
-- right after, in the same script: the submit rules and the ranks it reports see the board as if
-- they were visible (their plausible standing), and nobody can see the moment between.
--- @include "standings.lib"
--- @include "standings-write.lib"

-- The board's set of hidden players, from its cfg key.
local function hiddenSetOf(cfgKey)
  return string.sub(cfgKey, 1, -4) .. 'hidden'
end

-- Moves the player's entry of period P from z into zh (`hide`) or back, keeping member and score
-- (so the tie-break order is intact) and, on dense boards, the distinct set dz of the visible
-- entries. Reads the record through the bucket cache of a batch. Returns 1 if an entry moved.
local function moveEntry(P, pid, hide, dense)
  local rec = recordAt(P, pid, locate(P, pid))
  if not rec then return 0 end
  local member = memberOf(P, rec, pid)
  local from, to = P.zh, P.z
  if hide then from, to = P.z, P.zh end
  local k = redis.call('ZSCORE', from, member)
  if not k then return 0 end
  redis.call('ZREM', from, member)
  if dense and hide then denseRemoved(P, k, member) end
  redis.call('ZADD', to, k, member)
  if dense and not hide then denseAdded(P, k, member) end
  return 1
end

-- Before a submission of `pid` is applied: when the player is hidden on the board (`setKey`: the
-- board's hidden set, nil when a batch found it empty), moves their entry into z and returns true;
-- the caller moves it back (moveEntry(P, pid, true, dense)) once the submission is applied.
local function unveil(P, dense, setKey, pid)
  if not setKey or redis.call('SISMEMBER', setKey, pid) == 0 then return false end
  moveEntry(P, pid, false, dense)
  return true
end
