-- A whole batch, all or nothing: rate limits first, then every entry is checked against the
-- board's bounds (simulating increments in order), then all are applied in order.
-- KEYS 8..: rate-limit counters. ARGV: the rate-limit spec, then the body hash ('' = none),
-- then per entry: playerId, score, displayName, metadata
local nLimits, A = limitArgs()
local b = loadBoard()
if not b then return { 'NOT_FOUND' } end
local refused = refusalOrReplay(b, A[1], nLimits)
if refused then return refused end
local n = (#A - 1) / 4
local sim = {}
for i = 0, n - 1 do
  local pid, value = A[2 + i * 4], A[3 + i * 4]
  local current = sim[pid]
  if current == nil then current = currentScore(b, pid) end
  local newScore, err = plan(b, current, value)
  if err then
    err[#err + 1] = i
    return err
  end
  if newScore ~= nil then sim[pid] = tonumber(newScore) else sim[pid] = current end
end
local now = nowMs()
local rows = {}
for i = 0, n - 1 do
  local r = apply(b, A[2 + i * 4], A[3 + i * 4], A[4 + i * 4], A[5 + i * 4], now)
  rows[#rows + 1] = table.concat(r, '\t')
end
local limit, left = takeLimits(8, nLimits)
local encoded = table.concat(rows, '\n')
remember(b, A[1], encoded)
return { 'OK', encoded, limit, left, b.mode }
