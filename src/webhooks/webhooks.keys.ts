/**
 * The webhooks feature's keys, all under one hash tag so a script may touch the registry and a
 * webhook together on a cluster (webhooks are few: at most MAX_WEBHOOKS):
 *
 *   {valkran:webhooks}:ids        zset of webhook ids, score = creation time
 *   {valkran:webhooks}:w:<id>     hash: url, events (JSON), secret (as given), description,
 *                                 createdAt, updatedAt, failing ('1'/'0'), failingSince,
 *                                 lastSuccessAt, lastFailureAt (ms)
 *   {valkran:webhooks}:log:<id>   list: the last 100 delivery attempts (JSON), newest first
 */
const TAG = '{valkran:webhooks}';

export const WEBHOOK_IDS_KEY = `${TAG}:ids`;
export const webhookKey = (id: string): string => `${TAG}:w:${id}`;
export const webhookLogKey = (id: string): string => `${TAG}:log:${id}`;
