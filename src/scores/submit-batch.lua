-- A whole batch, all or nothing: every entry is checked against the board's bounds first
-- (simulating increments in order), then all are applied in order.
-- ARGV: 1 body hash ('' = none), then per entry: playerId, score, displayName, metadata
local b = loadBoard()
if not b then return { 'NOT_FOUND' } end
local replay = idempotentReplay(ARGV[1])
if replay then return replay end
local n = (#ARGV - 1) / 4
local sim = {}
for i = 0, n - 1 do
  local pid, value = ARGV[2 + i * 4], ARGV[3 + i * 4]
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
  local r = apply(b, ARGV[2 + i * 4], ARGV[3 + i * 4], ARGV[4 + i * 4], ARGV[5 + i * 4], now)
  rows[#rows + 1] = table.concat(r, '\t')
end
local encoded = table.concat(rows, '\n')
remember(ARGV[1], encoded)
return { 'OK', encoded }
