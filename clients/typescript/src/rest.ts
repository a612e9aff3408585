import createFetchClient, { type Client } from 'openapi-fetch';
import { toProblem, ValkranError } from './errors';
import {
  DEFAULT_RETRY,
  parseRetryAfter,
  RETRYABLE_STATUS,
  retryDelay,
  RetryPolicy,
  sleep,
} from './retry';
import type { components, paths } from './schema';

type Schemas = components['schemas'];
export type Board = Schemas['BoardDto'];
export type CreateBoard = Schemas['CreateBoardDto'];
export type UpdateBoard = Schemas['UpdateBoardDto'];
export type Entry = Schemas['EntryDto'];
export type Page = Schemas['PageDto'];
export type Player = Schemas['PlayerDto'];
export type Around = Schemas['AroundDto'];
export type LookupResult = Schemas['LookupResultDto'];
export type PeriodList = Schemas['PeriodListDto'];
export type Stats = Schemas['StatsDto'];
export type Score = Schemas['SubmitScoreDto'];
export type SubmitResult = Schemas['SubmitResultDto'];
export type BatchResult = Schemas['BatchResultDto'];
export type ResetAccepted = Schemas['ResetAcceptedDto'];
export type EraseResult = Schemas['EraseResultDto'];
export type PurgeResult = Schemas['PurgeResultDto'];
export type WhoAmI = Schemas['WhoAmIDto'];
export type PlayerStandings = Schemas['PlayerStandingsDto'];
export type BoardStanding = Schemas['BoardStandingDto'];
export type League = Schemas['LeagueDto'];
export type Cohort = Schemas['CohortDto'];
export type CohortList = Schemas['CohortListDto'];
export type CohortPage = Schemas['CohortPageDto'];
export type PlayerCohort = Schemas['PlayerCohortDto'];
export type LeagueCounts = Schemas['LeaguesDto'];
export type Movements = Schemas['MovementsDto'];
export type Movement = Schemas['MovementDto'];
export type PlayerLeague = Schemas['PlayerLeagueDto'];
export type PlayerStatus = Schemas['HiddenPlayerDto'];
export type PeriodResults = Schemas['PeriodResultsDto'];
export type ResultEntry = Schemas['ResultEntryDto'];
export type Webhook = Schemas['WebhookDto'];
export type CreatedWebhook = Schemas['CreatedWebhookDto'];
export type CreateWebhook = Schemas['CreateWebhookDto'];
export type UpdateWebhook = Schemas['UpdateWebhookDto'];
export type WebhookEvent = CreateWebhook['events'][number];
export type DeliveryAttempt = Schemas['DeliveryAttemptDto'];
export type DeliveryList = Schemas['DeliveryListDto'];
export type TestDelivery = Schemas['TestDeliveryDto'];
export type { components, paths };

/** A page of boards, with how many there are in all (the X-Total-Count header). */
export interface BoardList {
  boards: Board[];
  total: number;
}

export interface ValkranClientOptions {
  /**
   * Where Valkran answers, e.g. `https://valkran.example.com` (no `/v1`). Default: the page's
   * own origin in a browser; required in Node.
   */
  baseUrl?: string;
  /**
   * A submit or admin key, sent as `Authorization: Bearer`. Reads need none. A function is
   * asked before every request (for a key that changes, like a signed-in operator's); when it
   * returns null or nothing, the request goes without a key.
   */
  apiKey?: string | (() => string | null | undefined);
  /** Retries of submits and reads (writes of other kinds are never retried). */
  retry?: Partial<RetryPolicy>;
  /** Time limit of one attempt in ms (default 10 000); an attempt over it is retried. */
  timeoutMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** A fetch to use instead of the global one (tests, instrumentation, proxies). */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Fetch settings for every request. In a browser, `{ cache: 'no-store' }` keeps the HTTP
   * cache from answering reads (public reads carry Cache-Control), and
   * `{ credentials: 'omit' }` sends no cookies (the key travels in a header only).
   */
  requestInit?: Pick<RequestInit, 'cache' | 'credentials' | 'mode' | 'referrerPolicy'>;
}

export interface CallOptions {
  /** Cancels the call, retries and waits included. */
  signal?: AbortSignal;
}

export interface SubmitOptions extends CallOptions {
  /**
   * The Idempotency-Key (1-128 chars). Default: a fresh random UUID per call, sent with every
   * retry of that call, so a retried submit is applied at most once.
   */
  idempotencyKey?: string;
  /** Overrides the client's retry policy for this call. */
  retry?: Partial<RetryPolicy>;
}

export interface PageOptions extends CallOptions {
  offset?: number;
  limit?: number;
}

export interface PeriodOptions extends CallOptions {
  /** An archived period's id (from {@link ValkranClient.listPeriods}); default: the current one. */
  periodId?: string;
}

/** What one attempt of a call returns: openapi-fetch's result, whatever the route. */
interface Attempt<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The REST client. Every route is on {@link ValkranClient.api} (openapi-fetch, typed from the
 * server's OpenAPI document); the methods below cover the common ones, return the success body
 * and throw {@link ValkranError} with the problem otherwise.
 */
export class ValkranClient {
  /** The typed low-level client: `api.GET('/v1/leaderboards/{id}/stats', {params: ...})`. */
  readonly api: Client<paths>;
  private readonly retryPolicy: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(options: ValkranClientOptions = {}) {
    const baseUrl = (options.baseUrl ?? defaultBaseUrl()).replace(/\/+$/, '');
    const headers: Record<string, string> = { ...options.headers };
    const { apiKey } = options;
    if (typeof apiKey === 'string' && apiKey) headers.authorization = `Bearer ${apiKey}`;
    this.api = createFetchClient<paths>({
      ...options.requestInit,
      baseUrl,
      headers,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    if (typeof apiKey === 'function') {
      this.api.use({
        onRequest({ request }) {
          const key = apiKey();
          if (key) request.headers.set('authorization', `Bearer ${key}`);
          return request;
        },
      });
    }
    this.retryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Submits a score. Retries on network errors, timeouts, 408, 429 (after Retry-After), 5xx but
   * 507; every attempt carries the same Idempotency-Key, so the score is applied at most once.
   */
  submitScore(boardId: string, score: Score, options: SubmitOptions = {}): Promise<SubmitResult> {
    const key = options.idempotencyKey ?? randomKey();
    return this.call(
      (signal) =>
        this.api.POST('/v1/leaderboards/{id}/scores', {
          params: { path: { id: boardId }, header: { 'Idempotency-Key': key } },
          body: score,
          signal,
        }),
      { ...options, retry: { ...this.retryPolicy, ...options.retry } },
    );
  }

  /** Submits up to 1 000 scores, all or nothing; retried like {@link submitScore}. */
  submitBatch(
    boardId: string,
    entries: Score[],
    options: SubmitOptions = {},
  ): Promise<BatchResult> {
    const key = options.idempotencyKey ?? randomKey();
    return this.call(
      (signal) =>
        this.api.POST('/v1/leaderboards/{id}/scores/batch', {
          params: { path: { id: boardId }, header: { 'Idempotency-Key': key } },
          body: { entries },
          signal,
        }),
      { ...options, retry: { ...this.retryPolicy, ...options.retry } },
    );
  }

  listBoards(options: PageOptions = {}): Promise<Board[]> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards', {
        params: { query: { offset: options.offset, limit: options.limit } },
        signal,
      }),
    );
  }

  /** Like {@link listBoards}, with the number of boards in all, for paging. */
  async listBoardsPage(options: PageOptions = {}): Promise<BoardList> {
    const { data, response } = await this.send(
      (signal) =>
        this.api.GET('/v1/leaderboards', {
          params: { query: { offset: options.offset, limit: options.limit } },
          signal,
        }),
      { signal: options.signal, retry: this.retryPolicy },
    );
    const total = Number(response.headers.get('x-total-count') ?? NaN);
    return {
      boards: data,
      total: Number.isSafeInteger(total) ? total : (options.offset ?? 0) + data.length,
    };
  }

  getBoard(boardId: string, options: CallOptions = {}): Promise<Board> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}', { params: { path: { id: boardId } }, signal }),
    );
  }

  /** A page of the current period, best first. */
  getEntries(boardId: string, options: PageOptions = {}): Promise<Page> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}/entries', {
        params: {
          path: { id: boardId },
          query: { offset: options.offset, limit: options.limit },
        },
        signal,
      }),
    );
  }

  /** One player's standing; a ValkranError with status 404 when not on the board. */
  getPlayer(boardId: string, playerId: string, options: CallOptions = {}): Promise<Player> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}/players/{playerId}', {
        params: { path: { id: boardId, playerId } },
        signal,
      }),
    );
  }

  /** `limit` consecutive entries around the player (default 11). */
  getAround(
    boardId: string,
    playerId: string,
    options: CallOptions & { limit?: number } = {},
  ): Promise<Around> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}/players/{playerId}/around', {
        params: { path: { id: boardId, playerId }, query: { limit: options.limit } },
        signal,
      }),
    );
  }

  /** A friends board: the listed players by rank, plus the ids not on the board. */
  lookupPlayers(
    boardId: string,
    playerIds: string[],
    options: CallOptions = {},
  ): Promise<LookupResult> {
    return this.read(options, (signal) =>
      this.api.POST('/v1/leaderboards/{id}/players/lookup', {
        params: { path: { id: boardId } },
        body: { playerIds },
        signal,
      }),
    );
  }

  getStats(boardId: string, options: CallOptions = {}): Promise<Stats> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}/stats', { params: { path: { id: boardId } }, signal }),
    );
  }

  listPeriods(boardId: string, options: CallOptions = {}): Promise<PeriodList> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}/periods', { params: { path: { id: boardId } }, signal }),
    );
  }

  /** A page of an archived period (ids from {@link listPeriods}), best first. */
  getPeriodEntries(boardId: string, periodId: string, options: PageOptions = {}): Promise<Page> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}/periods/{periodId}/entries', {
        params: {
          path: { id: boardId, periodId },
          query: { offset: options.offset, limit: options.limit },
        },
        signal,
      }),
    );
  }

  /**
   * A closed period's final results: its best `resultsTop` entries, best first, each with the
   * reward its rank earned. A ValkranError with status 404 until the worker has written them
   * (the period is current, or closed a moment ago) and once the period is dropped.
   */
  getPeriodResults(
    boardId: string,
    periodId: string,
    options: CallOptions = {},
  ): Promise<PeriodResults> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}/periods/{periodId}/results', {
        params: { path: { id: boardId, periodId } },
        signal,
      }),
    );
  }

  /**
   * Where a player stands now on every board holding their entry in the current period, in
   * board id order, a page at a time (`total`: boards holding the player; 0 for an unknown id).
   */
  getPlayerStandings(playerId: string, options: PageOptions = {}): Promise<PlayerStandings> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/players/{playerId}/standings', {
        params: { path: { playerId }, query: { offset: options.offset, limit: options.limit } },
        signal,
      }),
    );
  }

  /**
   * A cohort board's cohorts in opening order, with league and size, a page at a time (current
   * period, or an archived one with `periodId`); 404 on a board without cohorts.
   */
  listCohorts(boardId: string, options: PageOptions & PeriodOptions = {}): Promise<CohortList> {
    const query = { offset: options.offset, limit: options.limit };
    const { periodId } = options;
    return this.read(options, (signal) =>
      periodId === undefined
        ? this.api.GET('/v1/leaderboards/{id}/cohorts', {
            params: { path: { id: boardId }, query },
            signal,
          })
        : this.api.GET('/v1/leaderboards/{id}/periods/{periodId}/cohorts', {
            params: { path: { id: boardId, periodId }, query },
            signal,
          }),
    );
  }

  /** A page of one cohort, ranked within it (current period, or an archived one). */
  getCohortEntries(
    boardId: string,
    cohortId: number,
    options: PageOptions & PeriodOptions = {},
  ): Promise<CohortPage> {
    const query = { offset: options.offset, limit: options.limit };
    const { periodId } = options;
    return this.read(options, (signal) =>
      periodId === undefined
        ? this.api.GET('/v1/leaderboards/{id}/cohorts/{cohortId}/entries', {
            params: { path: { id: boardId, cohortId }, query },
            signal,
          })
        : this.api.GET('/v1/leaderboards/{id}/periods/{periodId}/cohorts/{cohortId}/entries', {
            params: { path: { id: boardId, periodId, cohortId }, query },
            signal,
          }),
    );
  }

  /** A player's whole cohort with their rank in it; 404 when the player has no cohort. */
  getPlayerCohort(
    boardId: string,
    playerId: string,
    options: PeriodOptions = {},
  ): Promise<PlayerCohort> {
    const { periodId } = options;
    return this.read(options, (signal) =>
      periodId === undefined
        ? this.api.GET('/v1/leaderboards/{id}/players/{playerId}/cohort', {
            params: { path: { id: boardId, playerId } },
            signal,
          })
        : this.api.GET('/v1/leaderboards/{id}/periods/{periodId}/players/{playerId}/cohort', {
            params: { path: { id: boardId, periodId, playerId } },
            signal,
          }),
    );
  }

  /** Players per league, lowest league first; 404 on a board without leagues. */
  getLeagues(boardId: string, options: CallOptions = {}): Promise<LeagueCounts> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}/leagues', { params: { path: { id: boardId } }, signal }),
    );
  }

  /** An archived period's promotions and demotions, a page at a time. */
  getMovements(boardId: string, periodId: string, options: PageOptions = {}): Promise<Movements> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/leaderboards/{id}/periods/{periodId}/movements', {
        params: {
          path: { id: boardId, periodId },
          query: { offset: options.offset, limit: options.limit },
        },
        signal,
      }),
    );
  }

  /** A player's moderation status (admin): hidden or not, since when and why. */
  getPlayerStatus(playerId: string, options: CallOptions = {}): Promise<PlayerStatus> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/players/{playerId}', { params: { path: { playerId } }, signal }),
    );
  }

  /** The scope of the client's key: `{scope: 'admin'}`; 403 for a submit key, 401 for none. */
  whoami(options: CallOptions = {}): Promise<WhoAmI> {
    return this.read(options, (signal) => this.api.GET('/v1/admin/whoami', { signal }));
  }

  // Admin writes: sent once (a retried create or reset is not a no-op).

  createBoard(config: CreateBoard, options: CallOptions = {}): Promise<Board> {
    return this.once(options, (signal) =>
      this.api.POST('/v1/leaderboards', { body: config, signal }),
    );
  }

  updateBoard(boardId: string, changes: UpdateBoard, options: CallOptions = {}): Promise<Board> {
    return this.once(options, (signal) =>
      this.api.PATCH('/v1/leaderboards/{id}', {
        params: { path: { id: boardId } },
        body: changes,
        signal,
      }),
    );
  }

  deleteBoard(boardId: string, options: CallOptions = {}): Promise<void> {
    return this.once(options, (signal) =>
      this.api.DELETE('/v1/leaderboards/{id}', { params: { path: { id: boardId } }, signal }),
    );
  }

  /** Archives the current period now (through the reset queue). */
  resetBoard(boardId: string, options: CallOptions = {}): Promise<ResetAccepted> {
    return this.once(options, (signal) =>
      this.api.POST('/v1/leaderboards/{id}/reset', { params: { path: { id: boardId } }, signal }),
    );
  }

  /** Removes a player from the current period of one board (404 when not on it). */
  removePlayer(boardId: string, playerId: string, options: CallOptions = {}): Promise<void> {
    return this.once(options, (signal) =>
      this.api.DELETE('/v1/leaderboards/{id}/players/{playerId}', {
        params: { path: { id: boardId, playerId } },
        signal,
      }),
    );
  }

  /** Removes every current entry scoring from `minScore` to `maxScore`, both included. */
  purgeScores(
    boardId: string,
    range: { minScore: number; maxScore: number },
    options: CallOptions = {},
  ): Promise<PurgeResult> {
    return this.once(options, (signal) =>
      this.api.DELETE('/v1/leaderboards/{id}/entries', {
        params: { path: { id: boardId }, query: range },
        signal,
      }),
    );
  }

  /** Erases a player from every board and archive. */
  erasePlayer(playerId: string, options: CallOptions = {}): Promise<EraseResult> {
    return this.once(options, (signal) =>
      this.api.DELETE('/v1/players/{playerId}', { params: { path: { playerId } }, signal }),
    );
  }

  /**
   * Hides a player from everyone else on every board (shadow-ban), with an optional reason, or
   * shows them again (`hidden: false`, no reason). Idempotent, so it is retried like a read.
   */
  setPlayerHidden(
    playerId: string,
    hidden: boolean,
    options: CallOptions & { reason?: string } = {},
  ): Promise<PlayerStatus> {
    const body = options.reason === undefined ? { hidden } : { hidden, reason: options.reason };
    return this.read(options, (signal) =>
      this.api.PUT('/v1/players/{playerId}/hidden', {
        params: { path: { playerId } },
        body,
        signal,
      }),
    );
  }

  /** Sets a player's league on a league board (admin), used from their next cohort placement. */
  setPlayerLeague(
    boardId: string,
    playerId: string,
    league: string,
    options: CallOptions = {},
  ): Promise<PlayerLeague> {
    return this.once(options, (signal) =>
      this.api.PUT('/v1/leaderboards/{id}/players/{playerId}/league', {
        params: { path: { id: boardId, playerId } },
        body: { league },
        signal,
      }),
    );
  }

  /** Every webhook, oldest first, with its health (admin; secrets are never returned). */
  listWebhooks(options: CallOptions = {}): Promise<Webhook[]> {
    return this.read(options, (signal) => this.api.GET('/v1/webhooks', { signal }));
  }

  /** One webhook with its health: `failing`, `failingSince`, `lastSuccessAt`, `lastFailureAt`. */
  getWebhook(webhookId: string, options: CallOptions = {}): Promise<Webhook> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/webhooks/{webhookId}', { params: { path: { webhookId } }, signal }),
    );
  }

  /**
   * Registers a webhook (admin, sent once). The answer carries the signing `secret` (generated
   * when none is given): the only time the API shows it.
   */
  createWebhook(webhook: CreateWebhook, options: CallOptions = {}): Promise<CreatedWebhook> {
    return this.once(options, (signal) => this.api.POST('/v1/webhooks', { body: webhook, signal }));
  }

  /** Changes a webhook's URL, events, secret or description (`""` clears it); sent once. */
  updateWebhook(
    webhookId: string,
    changes: UpdateWebhook,
    options: CallOptions = {},
  ): Promise<Webhook> {
    return this.once(options, (signal) =>
      this.api.PATCH('/v1/webhooks/{webhookId}', {
        params: { path: { webhookId } },
        body: changes,
        signal,
      }),
    );
  }

  /** Deletes a webhook; deliveries still queued for it are dropped. */
  deleteWebhook(webhookId: string, options: CallOptions = {}): Promise<void> {
    return this.once(options, (signal) =>
      this.api.DELETE('/v1/webhooks/{webhookId}', { params: { path: { webhookId } }, signal }),
    );
  }

  /** The webhook's last 100 delivery attempts, newest first. */
  getWebhookDeliveries(webhookId: string, options: CallOptions = {}): Promise<DeliveryList> {
    return this.read(options, (signal) =>
      this.api.GET('/v1/webhooks/{webhookId}/deliveries', {
        params: { path: { webhookId } },
        signal,
      }),
    );
  }

  /**
   * Sends a signed `ping` to the webhook now (one attempt, no retries; sent once) and reports the
   * attempt: `ok` is whether the receiver answered 2xx.
   */
  testWebhook(webhookId: string, options: CallOptions = {}): Promise<TestDelivery> {
    return this.once(options, (signal) =>
      this.api.POST('/v1/webhooks/{webhookId}/test', { params: { path: { webhookId } }, signal }),
    );
  }

  private read<T>(
    options: CallOptions,
    attempt: (signal: AbortSignal) => Promise<Attempt<T>>,
  ): Promise<T> {
    return this.call(attempt, { signal: options.signal, retry: this.retryPolicy });
  }

  private once<T>(
    options: CallOptions,
    attempt: (signal: AbortSignal) => Promise<Attempt<T>>,
  ): Promise<T> {
    return this.call(attempt, {
      signal: options.signal,
      retry: { ...this.retryPolicy, retries: 0 },
    });
  }

  private async call<T>(
    attempt: (signal: AbortSignal) => Promise<Attempt<T>>,
    options: { signal?: AbortSignal; retry: RetryPolicy },
  ): Promise<T> {
    return (await this.send(attempt, options)).data;
  }

  /** Runs attempts until one succeeds, fails for good, or the retries are spent. */
  private async send<T>(
    attempt: (signal: AbortSignal) => Promise<Attempt<T>>,
    options: { signal?: AbortSignal; retry: RetryPolicy },
  ): Promise<{ data: T; response: Response }> {
    for (let n = 1; ; n++) {
      const { signal, done } = attemptSignal(this.timeoutMs, options.signal);
      let failure: unknown;
      let retryAfterMs: number | null = null;
      try {
        const { data, error, response } = await attempt(signal);
        if (response.ok) return { data: data as T, response };
        failure = new ValkranError(
          response.status,
          toProblem(response.status, error, response.statusText || `HTTP ${response.status}`),
          response.headers.get('x-request-id') ?? undefined,
        );
        if (!RETRYABLE_STATUS.has(response.status)) throw failure;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      } catch (err) {
        // The caller's cancellation ends everything; a timeout or network error is retried.
        if (options.signal?.aborted) throw options.signal.reason;
        if (err instanceof ValkranError) throw err;
        failure = err;
      } finally {
        done();
      }
      const wait = retryDelay(options.retry, n, retryAfterMs);
      if (wait === null) throw failure;
      await sleep(wait, options.signal);
    }
  }
}

/** A fresh Idempotency-Key: a random UUID (Web Crypto, in Node and browsers alike). */
function randomKey(): string {
  return globalThis.crypto.randomUUID();
}

function defaultBaseUrl(): string {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (!origin) throw new TypeError('ValkranClient: baseUrl is required outside a browser');
  return origin;
}

/** A signal for one attempt: aborted by the caller's signal or after `ms`. */
function attemptSignal(
  ms: number,
  outer: AbortSignal | undefined,
): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`Valkran did not answer within ${ms} ms`)),
    ms,
  );
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
