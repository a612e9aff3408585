-- Records one delivery attempt: logs it (the last 100 kept) and updates the webhook's health.
-- A success clears `failing`; a failure starts `failingSince` if it is not set, and marks the
-- webhook `failing` when it was the delivery's last attempt or failures have lasted `failAfter`.
-- KEYS: 1 the webhook's hash, 2 its log.
-- ARGV: 1 now (ms), 2 '1' success / '0' failure, 3 '1' if it was the last attempt, 4 failAfter
--       (ms), 5 the log entry (JSON).
-- Returns -1 if the webhook no longer exists (nothing written), else its `failing` (0 or 1).
local HOOK, LOG = 1, 2
if redis.call('EXISTS', KEYS[HOOK]) == 0 then return -1 end
redis.call('LPUSH', KEYS[LOG], ARGV[5])
redis.call('LTRIM', KEYS[LOG], 0, 99)
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[HOOK], 'lastSuccessAt', ARGV[1], 'failing', '0', 'failingSince', '')
  return 0
end
redis.call('HSET', KEYS[HOOK], 'lastFailureAt', ARGV[1])
local since = redis.call('HGET', KEYS[HOOK], 'failingSince')
if not since or since == '' then
  since = ARGV[1]
  redis.call('HSET', KEYS[HOOK], 'failingSince', since)
end
if ARGV[3] == '1' or tonumber(ARGV[1]) - tonumber(since) >= tonumber(ARGV[4]) then
  redis.call('HSET', KEYS[HOOK], 'failing', '1')
  return 1
end
return tonumber(redis.call('HGET', KEYS[HOOK], 'failing') or '0')
