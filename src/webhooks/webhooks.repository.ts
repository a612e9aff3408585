import { Injectable } from '@nestjs/common';
import { LuaScript } from '../valkey/lua-script';
import { ValkeyConnections } from '../valkey/valkey-connections';
import type { WebhookEvent } from './webhook-events';
import { WEBHOOK_IDS_KEY, webhookKey, webhookLogKey } from './webhooks.keys';

/** A webhook as the services see it (the secret included: it signs deliveries). */
export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
  failing: boolean;
  failingSince: number | null;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
}

export type WebhookChanges = Partial<Pick<Webhook, 'url' | 'events' | 'secret' | 'description'>> & {
  updatedAt: number;
};

/** One logged delivery attempt. */
export interface DeliveryAttemptRecord {
  deliveryId: string;
  event: string;
  attempt: number;
  at: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** When the next attempt is due; null after a success or the last attempt. */
  nextRetryAt: number | null;
}

const optionalMs = (v: string | undefined): number | null => (v ? Number(v) : null);

function fromHash(id: string, h: Record<string, string>): Webhook {
  return {
    id,
    url: h.url,
    events: JSON.parse(h.events || '[]') as WebhookEvent[],
    secret: h.secret,
    description: h.description ? h.description : null,
    createdAt: Number(h.createdAt),
    updatedAt: Number(h.updatedAt),
    failing: h.failing === '1',
    failingSince: optionalMs(h.failingSince),
    lastSuccessAt: optionalMs(h.lastSuccessAt),
    lastFailureAt: optionalMs(h.lastFailureAt),
  };
}

function toFields(changes: Partial<Webhook>): string[] {
  const out: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    out.push(
      field,
      value === null ? '' : Array.isArray(value) ? JSON.stringify(value) : String(value),
    );
  }
  return out;
}

/** Owns the webhooks' keys: their registry, configurations and delivery logs. */
@Injectable()
export class WebhooksRepository {
  private readonly createScript = new LuaScript('create-webhook.lua', __dirname);
  private readonly updateScript = new LuaScript('update-webhook.lua', __dirname);
  private readonly deleteScript = new LuaScript('delete-webhook.lua', __dirname);
  private readonly recordScript = new LuaScript('record-attempt.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  /** Stores a new webhook unless `max` exist; false at the limit. */
  async create(hook: Webhook, max: number): Promise<boolean> {
    const { id, ...rest } = hook;
    const reply = await this.createScript.run(
      this.valkey.api,
      [WEBHOOK_IDS_KEY, webhookKey(id)],
      [max, id, hook.createdAt, ...toFields(rest)],
    );
    return reply === 1;
  }

  async get(id: string): Promise<Webhook | null> {
    const h = await this.valkey.api.hgetall(webhookKey(id));
    return h.url ? fromHash(id, h) : null;
  }

  /** Every webhook, oldest first. */
  async list(): Promise<Webhook[]> {
    const ids = await this.valkey.api.zrange(WEBHOOK_IDS_KEY, '0', '-1');
    const hooks = await Promise.all(ids.map((id) => this.get(id)));
    return hooks.filter((h): h is Webhook => h !== null);
  }

  /** False if there is no such webhook. */
  async update(id: string, changes: WebhookChanges): Promise<boolean> {
    const reply = await this.updateScript.run(this.valkey.api, [webhookKey(id)], toFields(changes));
    return reply === 1;
  }

  /** False if there was no such webhook. */
  async delete(id: string): Promise<boolean> {
    const reply = await this.deleteScript.run(
      this.valkey.api,
      [WEBHOOK_IDS_KEY, webhookKey(id), webhookLogKey(id)],
      [id],
    );
    return reply === 1;
  }

  /**
   * Logs an attempt and updates the webhook's health (see record-attempt.lua); returns whether
   * it is failing now, or null if the webhook no longer exists.
   */
  async recordAttempt(
    id: string,
    record: DeliveryAttemptRecord,
    ok: boolean,
    last: boolean,
    failAfterMs: number,
  ): Promise<boolean | null> {
    const reply = await this.recordScript.run(
      this.valkey.api,
      [webhookKey(id), webhookLogKey(id)],
      [record.at, ok ? '1' : '0', last ? '1' : '0', failAfterMs, JSON.stringify(record)],
    );
    return reply === -1 ? null : reply === 1;
  }

  /** The last 100 attempts, newest first. */
  async attempts(id: string): Promise<DeliveryAttemptRecord[]> {
    const raw = await this.valkey.api.lrange(webhookLogKey(id), 0, 99);
    return raw.map((r) => JSON.parse(r) as DeliveryAttemptRecord);
  }
}
