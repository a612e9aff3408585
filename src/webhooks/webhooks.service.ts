import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isoFromMs } from '../common/iso-time';
import { badRequest, notFound, ProblemException } from '../common/problem';
import { AppConfig } from '../config/app-config';
import type { DomainEvents } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { BoardsRepository } from '../leaderboard/boards.repository';
import { JobQueues } from '../ranking-jobs/queue/job-queues';
import { hostAddress, isPrivateAddress } from './address-policy';
import { urlProblem } from './webhook-client';
import { WebhookDeliveries } from './webhook-deliveries';
import {
  DeliveredEvent,
  MAX_DELIVERED_ENTRIES,
  WebhookEnvelope,
  WebhookEvent,
  WebhookPayloads,
} from './webhook-events';
import { DeliveryAttemptRecord, Webhook, WebhooksRepository } from './webhooks.repository';

/** Most webhooks at once: each event is queued once per subscribed webhook. */
export const MAX_WEBHOOKS = 100;
const DNS_CHECK_MS = 5000;

export interface WebhookInput {
  url?: string;
  events?: WebhookEvent[];
  secret?: string;
  description?: string;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A delivery's id: stable for one event to one webhook, so re-announcing queues nothing new. */
export const deliveryIdFor = (webhookId: string, eventId: string): string =>
  `dlv_${sha256Hex(`${webhookId}\n${eventId}`).slice(0, 32)}`;

const webhookNotFound = (id: string): ProblemException =>
  notFound(`Webhook "${id}" does not exist.`);

/**
 * Webhook rules: target policy, secrets, and turning domain events into queued deliveries. The
 * secret is generated with crypto.randomBytes when not given, stored as given (it must sign),
 * and shown only in the creation response.
 */
@Injectable()
export class WebhooksService implements OnModuleInit {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly deliveries: WebhookDeliveries,
    private readonly queues: JobQueues,
    private readonly boards: BoardsRepository,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // From an api request: the request succeeded already, so a delivery that cannot be queued
    // (Valkey lost in between) is logged, not turned into an error for the request.
    const bestEffort =
      <K extends keyof DomainEvents>(fn: (e: DomainEvents[K]) => Promise<void>) =>
      async (e: DomainEvents[K]) => {
        try {
          await fn(e);
        } catch (err) {
          this.logger.warn(`Webhook deliveries not queued: ${(err as Error).message}`);
        }
      };
    this.events.on(
      'board.created',
      bestEffort<'board.created'>(async (e) => {
        const board = await this.boards.get(e.boardId);
        if (!board || board.createdAt !== e.generation) return;
        await this.announce('leaderboard.created', randomEventId(), {
          leaderboardId: board.id,
          title: board.title,
          sortOrder: board.sortOrder,
          updateMode: board.updateMode,
          rankMode: board.rankMode,
          resetSchedule: board.resetSchedule,
          timezone: board.timezone,
          createdAt: isoFromMs(board.createdAt),
        });
      }),
    );
    this.events.on(
      'board.deleted',
      bestEffort<'board.deleted'>(async (e) => {
        await this.announce('leaderboard.deleted', randomEventId(), { leaderboardId: e.boardId });
      }),
    );
    this.events.on(
      'player.erased',
      bestEffort<'player.erased'>(async (e) => {
        if (e.removedFrom.length === 0) return;
        await this.announce('player.erased', randomEventId(), {
          playerId: e.playerId,
          removedFrom: e.removedFrom.map((r) => ({
            leaderboardId: r.boardId,
            periodId: r.periodId,
          })),
        });
      }),
    );
    // From the tournament and reset jobs (worker): a failure fails the job, which retries; the
    // event id is derived from what happened, so a repeated announcement queues no second delivery.
    const eventIdOf = (...parts: (string | number)[]) =>
      `evt_${sha256Hex(parts.join('\n')).slice(0, 24)}`;
    this.events.on('tournament.started', async (e) => {
      await this.announce(
        'tournament.started',
        eventIdOf('tournament.started', e.boardId, e.generation, e.startsAt),
        { leaderboardId: e.boardId, periodId: e.periodId, startsAt: isoFromMs(e.startsAt) },
      );
    });
    this.events.on('tournament.ended', async (e) => {
      await this.announce(
        'tournament.ended',
        eventIdOf('tournament.ended', e.boardId, e.generation, e.endsAt),
        {
          leaderboardId: e.boardId,
          periodId: e.periodId,
          endsAt: isoFromMs(e.endsAt),
          resultsUrl: `/v1/leaderboards/${e.boardId}/periods/${e.periodId}/results`,
        },
      );
    });
    this.events.on('league.moved', async (e) => {
      const id = eventIdOf('league.moved', e.boardId, e.generation, e.periodId);
      await this.announce('league.moved', id, {
        leaderboardId: e.boardId,
        periodId: e.periodId,
        moved: e.moved,
        movementsUrl: `/v1/leaderboards/${e.boardId}/periods/${e.periodId}/movements`,
      });
    });
    // From the results job: a failure fails the job, which retries; the event id is derived
    // from the period, so a repeated announcement queues no second delivery.
    this.events.on('period.closed', async ({ boardId, generation, results }) => {
      const eventId = `evt_${sha256Hex(`period.closed\n${boardId}\n${generation}\n${results.periodId}`).slice(0, 24)}`;
      await this.announce('period.closed', eventId, {
        leaderboardId: results.leaderboardId,
        periodId: results.periodId,
        startedAt: isoFromMs(results.startedAt),
        closedAt: isoFromMs(results.closedAt),
        total: results.total,
        entries: results.entries.slice(0, MAX_DELIVERED_ENTRIES),
        truncated: results.entries.length > MAX_DELIVERED_ENTRIES,
        resultsUrl: `/v1/leaderboards/${boardId}/periods/${results.periodId}/results`,
      });
    });
  }

  /** Queues one delivery of the event to every webhook subscribed to it. */
  private async announce<E extends WebhookEvent>(
    event: E,
    eventId: string,
    data: WebhookPayloads[E],
  ): Promise<number> {
    const hooks = (await this.repo.list()).filter((h) => h.events.includes(event));
    if (hooks.length === 0) return 0;
    const body = envelope(event, eventId, data);
    const retries = this.config.webhooks.retryDelaysMs.length;
    for (const hook of hooks) {
      await this.queues.deliver(
        { webhookId: hook.id, deliveryId: deliveryIdFor(hook.id, eventId), event, body },
        retries,
      );
    }
    return hooks.length;
  }

  /**
   * Refuses a URL the policy forbids: a scheme other than https (http outside production or
   * with WEBHOOK_ALLOW_PRIVATE), credentials, a private address, or a name that resolves to
   * one (checked again at every delivery, when it connects).
   */
  private async checkUrl(raw: string): Promise<void> {
    const { allowPrivate } = this.config.webhooks;
    const problem = urlProblem(raw, { allowPrivate, httpsOnly: this.config.production });
    if (problem) throw badRequest('url', problem);
    const host = new URL(raw).hostname;
    if (allowPrivate || hostAddress(host) !== null) return;
    let addresses: { address: string }[];
    try {
      addresses = await Promise.race([
        lookup(host, { all: true }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), DNS_CHECK_MS).unref(),
        ),
      ]);
    } catch {
      throw badRequest('url', `host ${host} does not resolve`);
    }
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) {
      throw badRequest(
        'url',
        `host ${host} resolves to ${refused.address}, a private, loopback or link-local address`,
      );
    }
  }

  async create(input: Required<Pick<WebhookInput, 'url' | 'events'>> & WebhookInput): Promise<{
    hook: Webhook;
    secret: string;
  }> {
    await this.checkUrl(input.url);
    const now = Date.now();
    const secret = input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
    const hook: Webhook = {
      id: `wh_${randomBytes(12).toString('hex')}`,
      url: input.url,
      events: [...input.events],
      secret,
      description: input.description ? input.description : null,
      createdAt: now,
      updatedAt: now,
      failing: false,
      failingSince: null,
      lastSuccessAt: null,
      lastFailureAt: null,
    };
    if (!(await this.repo.create(hook, MAX_WEBHOOKS))) {
      throw new ProblemException(
        409,
        'webhook-limit',
        `There are ${MAX_WEBHOOKS} webhooks already, the most this server allows; delete one first.`,
      );
    }
    return { hook, secret };
  }

  list(): Promise<Webhook[]> {
    return this.repo.list();
  }

  async get(id: string): Promise<Webhook> {
    const hook = await this.repo.get(id);
    if (!hook) throw webhookNotFound(id);
    return hook;
  }

  async update(id: string, input: WebhookInput): Promise<Webhook> {
    await this.get(id);
    if (input.url !== undefined) await this.checkUrl(input.url);
    const changes = {
      url: input.url,
      events: input.events,
      secret: input.secret,
      description: input.description === undefined ? undefined : input.description || null,
      updatedAt: Date.now(),
    };
    if (!(await this.repo.update(id, changes))) throw webhookNotFound(id);
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.repo.delete(id))) throw webhookNotFound(id);
  }

  async attempts(id: string): Promise<DeliveryAttemptRecord[]> {
    await this.get(id);
    return this.repo.attempts(id);
  }

  /** Sends a `ping` now, once (no retries), and answers how it went. */
  async ping(id: string): Promise<{ ok: boolean; record: DeliveryAttemptRecord }> {
    const hook = await this.get(id);
    const eventId = randomEventId();
    const { outcome, record } = await this.deliveries.attempt(hook, {
      deliveryId: deliveryIdFor(id, eventId),
      event: 'ping',
      body: envelope('ping', eventId, { webhookId: id }),
      attempt: 1,
      last: true,
      marksFailing: false,
    });
    return { ok: outcome.ok, record };
  }
}

function randomEventId(): string {
  return `evt_${randomBytes(12).toString('hex')}`;
}

function envelope<E extends DeliveredEvent>(
  event: E,
  id: string,
  data: WebhookPayloads[E],
): string {
  const body: WebhookEnvelope<E> = { id, event, createdAt: new Date().toISOString(), data };
  return JSON.stringify(body);
}
