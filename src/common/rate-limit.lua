#!lua flags=allow-oom
-- A standalone limit check (reads per IP, socket connects, submit keys on a cluster).
-- allow-oom: the counters (2 s TTL) still count when Valkey is at maxmemory, so public reads
-- keep working and stay limited while writes are refused.
-- KEYS: the counters (all of them: RATE_KEYS_FROM is 1).
-- ARGV: the rate-limit spec (rate-limit.lib.lua): n, then n (limit, cost, field) triples.
-- Returns { 'OK', limit, remaining } or { 'RATE_LIMITED', index, limit }.
--- @include "rate-limit.lib"
local RATE_KEYS_FROM = 1
local n = limitArgs()
local limited, used = checkLimits(RATE_KEYS_FROM, n)
if limited then return limited end
local limit, left = takeLimits(RATE_KEYS_FROM, n, used)
return { 'OK', limit, left }
