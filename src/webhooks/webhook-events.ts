/**
 * The events a webhook may subscribe to, and the `data` each delivers. To add one (issue 10's
 * `tournament.started`/`tournament.ended`, the leagues issue's `league.moved`): add its name
 * here and its payload to {@link WebhookPayloads} (the compiler then asks for both), and
 * announce it from WebhooksService where the domain event that causes it is heard. Names are
 * accepted only once something emits them, so no webhook waits for an event that never comes.
 */
export const WEBHOOK_EVENTS = [
  'period.closed',
  'leaderboard.created',
  'leaderboard.deleted',
  'player.erased',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Events issue 10 and the leagues issue plan; not emitted yet, so not accepted yet. */
export const PLANNED_WEBHOOK_EVENTS = ['tournament.started', 'tournament.ended', 'league.moved'];

export interface ResultEntryPayload {
  rank: number;
  playerId: string;
  score: number;
  displayName?: string;
  metadata?: Record<string, unknown>;
  reward?: unknown;
}

/** Most result entries a `period.closed` delivery carries; the rest are at `resultsUrl`. */
export const MAX_DELIVERED_ENTRIES = 1000;

export interface WebhookPayloads {
  'period.closed': {
    leaderboardId: string;
    periodId: string;
    startedAt: string;
    closedAt: string;
    total: number;
    /** The results' entries (the first {@link MAX_DELIVERED_ENTRIES}). */
    entries: ResultEntryPayload[];
    /** True when the results hold more entries than delivered. */
    truncated: boolean;
    /** Where the whole results are (path on the API). */
    resultsUrl: string;
  };
  'leaderboard.created': {
    leaderboardId: string;
    title: string;
    sortOrder: string;
    updateMode: string;
    rankMode: string;
    resetSchedule: string | null;
    timezone: string;
    createdAt: string;
  };
  'leaderboard.deleted': { leaderboardId: string };
  'player.erased': {
    playerId: string;
    removedFrom: { leaderboardId: string; periodId: string }[];
  };
  /** `POST /v1/webhooks/{id}/test`; delivered whatever the webhook subscribes to. */
  ping: { webhookId: string };
}

/** Every subscribable event has a payload (a compile error otherwise). */
export type SubscribablePayload = WebhookPayloads[WebhookEvent];
export type DeliveredEvent = keyof WebhookPayloads;

/** The body of every delivery. */
export interface WebhookEnvelope<E extends DeliveredEvent = DeliveredEvent> {
  /** The event's id: the same for every webhook it is delivered to. */
  id: string;
  event: E;
  createdAt: string;
  data: WebhookPayloads[E];
}
