/**
 * The events a webhook may subscribe to, and the `data` each delivers. To add one (issue 10's
 * events of a feature still to come): add its name here and its payload to {@link WebhookPayloads} (the compiler then asks for both), and
 * announce it from WebhooksService where the domain event that causes it is heard. Names are
 * accepted only once something emits them, so no webhook waits for an event that never comes.
 */
export const WEBHOOK_EVENTS = [
  'period.closed',
  'leaderboard.created',
  'leaderboard.deleted',
  'player.erased',
  'tournament.started',
  'tournament.ended',
  'league.moved',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface ResultEntryPayload {
  rank: number;
  playerId: string;
  score: number;
  subscores?: number[];
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
  /** A tournament's startsAt passed; `periodId` was current then. */
  'tournament.started': { leaderboardId: string; periodId: string; startsAt: string };
  /** A tournament's endsAt closed its last period (`periodId`, the final standings). */
  'tournament.ended': {
    leaderboardId: string;
    periodId: string;
    endsAt: string;
    /** The final results, once the results job wrote them (404 before). */
    resultsUrl: string;
  };
  /** A closed period's promotions and demotions were applied (leagues). */
  'league.moved': {
    leaderboardId: string;
    periodId: string;
    /** Players who changed league. */
    moved: number;
    /** Who moved where. */
    movementsUrl: string;
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
