-- Valkey's clock in whole milliseconds (TIME answers seconds and microseconds), as a number.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
