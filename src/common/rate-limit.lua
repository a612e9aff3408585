-- A standalone limit check (reads per IP, socket connects, submit keys on a cluster).
-- KEYS: the counters. ARGV: n, then (limit, cost) pairs.
-- Returns { 'OK', limit, remaining } or { 'RATE_LIMITED', index, limit }.
local n = limitArgs()
local limited = checkLimits(1, n)
if limited then return limited end
local limit, left = takeLimits(1, n)
return { 'OK', limit, left }
