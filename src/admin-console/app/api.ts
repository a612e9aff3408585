/// <reference lib="dom" />
/**
 * Every HTTP call the console makes, in one place, on the Valkran SDK's REST client
 * (clients/typescript, bundled into console.js from its sources), so the console exercises the
 * SDK end to end. Types are the SDK's, generated from the API's OpenAPI document.
 */
import { ValkranError, type Problem } from '../../../clients/typescript/src/errors';
import {
  ValkranClient,
  type components,
  type CreateBoard,
  type CreateWebhook,
  type UpdateBoard,
  type UpdateWebhook,
  type ValkranClientOptions,
} from '../../../clients/typescript/src/rest';

type Schemas = components['schemas'];
export type BoardDto = Schemas['BoardDto'];
export type EntryDto = Schemas['EntryDto'];
export type EraseResultDto = Schemas['EraseResultDto'];
export type PageDto = Schemas['PageDto'];
export type PeriodListDto = Schemas['PeriodListDto'];
export type PlayerDto = Schemas['PlayerDto'];
export type PlayerStandingsDto = Schemas['PlayerStandingsDto'];
export type BoardStandingDto = Schemas['BoardStandingDto'];
export type TiebreakerDto = Schemas['TiebreakerDto'];
export type PurgeResultDto = Schemas['PurgeResultDto'];
export type ResetAcceptedDto = Schemas['ResetAcceptedDto'];
export type StatsDto = Schemas['StatsDto'];
export type WhoAmIDto = Schemas['WhoAmIDto'];
export type CohortListDto = Schemas['CohortListDto'];
export type CohortPageDto = Schemas['CohortPageDto'];
export type LeaguesDto = Schemas['LeaguesDto'];
export type MovementsDto = Schemas['MovementsDto'];
export type PlayerLeagueDto = Schemas['PlayerLeagueDto'];
export type HiddenPlayerDto = Schemas['HiddenPlayerDto'];
export type PeriodResultsDto = Schemas['PeriodResultsDto'];
export type ResultEntryDto = Schemas['ResultEntryDto'];
export type RewardDto = Schemas['RewardDto'];
export type WebhookDto = Schemas['WebhookDto'];
export type CreatedWebhookDto = Schemas['CreatedWebhookDto'];
export type DeliveryListDto = Schemas['DeliveryListDto'];
export type DeliveryAttemptDto = Schemas['DeliveryAttemptDto'];
export type TestDeliveryDto = Schemas['TestDeliveryDto'];
/** The events a webhook may subscribe to, as the API's schema lists them. */
export type WebhookEvent = CreateWebhook['events'][number];
export { ValkranError, type Problem };

/**
 * A form as typed (boards, webhooks): any field may hold what the operator entered (a number
 * field may hold text), so the API, not the console, decides what is valid and says which field
 * is wrong.
 */
export type FormBody<T> = { [K in keyof T]?: unknown };
export type CreateBoardBody = FormBody<CreateBoard>;
export type UpdateBoardBody = FormBody<UpdateBoard>;
export type CreateWebhookBody = FormBody<CreateWebhook>;
export type UpdateWebhookBody = FormBody<UpdateWebhook>;

export interface BoardList {
  boards: BoardDto[];
  /** boards in all (X-Total-Count) */
  total: number;
}

/** A problem the console finds itself (an empty required field), shown like the API's. */
export function fieldError(path: string, message: string, status = 400): ValkranError {
  return new ValkranError(status, {
    type: 'about:blank',
    title: status === 401 ? 'Unauthorized' : 'Bad Request',
    status,
    detail: '',
    errors: [{ path, message }],
  });
}

export interface Api {
  whoami(key: string): Promise<WhoAmIDto>;
  listBoards(offset: number, limit: number): Promise<BoardList>;
  getBoard(id: string): Promise<BoardDto>;
  createBoard(body: CreateBoardBody): Promise<BoardDto>;
  updateBoard(id: string, body: UpdateBoardBody): Promise<BoardDto>;
  deleteBoard(id: string): Promise<void>;
  resetBoard(id: string): Promise<ResetAcceptedDto>;
  entries(id: string, offset: number, limit: number): Promise<PageDto>;
  player(id: string, playerId: string): Promise<PlayerDto>;
  periods(id: string): Promise<PeriodListDto>;
  periodEntries(id: string, periodId: string, offset: number, limit: number): Promise<PageDto>;
  stats(id: string): Promise<StatsDto>;
  removePlayer(id: string, playerId: string): Promise<void>;
  purge(id: string, minScore: string, maxScore: string): Promise<PurgeResultDto>;
  erasePlayer(playerId: string): Promise<EraseResultDto>;
  /** The player on every board holding their entry in the current period (board id order). */
  standings(playerId: string, offset: number, limit: number): Promise<PlayerStandingsDto>;
  /** A cohort board's cohorts (current period, or an archived one with `periodId`). */
  cohorts(id: string, offset: number, limit: number, periodId?: string): Promise<CohortListDto>;
  cohortEntries(
    id: string,
    cohortId: number,
    offset: number,
    limit: number,
    periodId?: string,
  ): Promise<CohortPageDto>;
  leagues(id: string): Promise<LeaguesDto>;
  movements(id: string, periodId: string, offset: number, limit: number): Promise<MovementsDto>;
  /** Admin league override, used from the player's next cohort placement. */
  setLeague(id: string, playerId: string, league: string): Promise<PlayerLeagueDto>;
  /** A player's moderation status (hidden or not, when, why): global, not per board. */
  playerStatus(playerId: string): Promise<HiddenPlayerDto>;
  /** Hide (with an optional reason) or show a player on every board. */
  setHidden(playerId: string, hidden: boolean, reason?: string): Promise<HiddenPlayerDto>;
  /** A closed period's results with rewards; a 404 until the worker has written them. */
  results(id: string, periodId: string): Promise<PeriodResultsDto>;
  webhooks(): Promise<WebhookDto[]>;
  webhook(webhookId: string): Promise<WebhookDto>;
  /** The answer carries the signing secret: the only time the API shows it. */
  createWebhook(body: CreateWebhookBody): Promise<CreatedWebhookDto>;
  updateWebhook(webhookId: string, body: UpdateWebhookBody): Promise<WebhookDto>;
  deleteWebhook(webhookId: string): Promise<void>;
  deliveries(webhookId: string): Promise<DeliveryListDto>;
  /** A signed `ping` now (one attempt): how it went, `ok` when the receiver answered 2xx. */
  testWebhook(webhookId: string): Promise<TestDeliveryDto>;
}

/**
 * Same origin (the SDK's default base URL). No retries: the operator sees a failure (a 503
 * while Valkey is down, a 429) at once and may try again. `no-store`: public reads carry
 * Cache-Control, and the console must show the state right after its own writes. No cookies:
 * the key travels in the Authorization header only.
 */
const CLIENT: ValkranClientOptions = {
  retry: { retries: 0 },
  requestInit: { cache: 'no-store', credentials: 'omit' },
};

/**
 * The SDK throws a ValkranError for every answer the server gave; a network failure or a
 * timeout is turned into one too, so every view shows any failure the same way.
 */
async function settledCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ValkranError) throw err;
    throw new ValkranError(0, {
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail:
        err instanceof TypeError || !(err instanceof Error)
          ? 'The server could not be reached.'
          : err.message,
    });
  }
}

/**
 * The API of this origin, authenticated with whatever key `key()` holds at call time.
 * `onRevoked` runs when a call made with that key is answered 401 (the key was removed from
 * ADMIN_API_KEYS mid-session); the call still fails as usual afterwards.
 */
export function createApi(key: () => string | null, onRevoked: () => void = () => {}): Api {
  const client = new ValkranClient({ ...CLIENT, apiKey: key });
  const settled = async <T>(call: Promise<T>): Promise<T> => {
    try {
      return await settledCall(call);
    } catch (err) {
      if (err instanceof ValkranError && err.status === 401 && key()) onRevoked();
      throw err;
    }
  };
  return {
    // The key being tried is not signed in yet: a client of its own checks it.
    whoami: (k) => settledCall(new ValkranClient({ ...CLIENT, apiKey: k }).whoami()),
    listBoards: (offset, limit) => settled(client.listBoardsPage({ offset, limit })),
    getBoard: (id) => settled(client.getBoard(id)),
    // Forms send what the operator typed (see FormBody): the API validates it.
    createBoard: (body) => settled(client.createBoard(body as CreateBoard)),
    updateBoard: (id, body) => settled(client.updateBoard(id, body as UpdateBoard)),
    deleteBoard: (id) => settled(client.deleteBoard(id)),
    resetBoard: (id) => settled(client.resetBoard(id)),
    entries: (id, offset, limit) => settled(client.getEntries(id, { offset, limit })),
    player: (id, playerId) => settled(client.getPlayer(id, playerId)),
    periods: (id) => settled(client.listPeriods(id)),
    periodEntries: (id, periodId, offset, limit) =>
      settled(client.getPeriodEntries(id, periodId, { offset, limit })),
    stats: (id) => settled(client.getStats(id)),
    removePlayer: (id, playerId) => settled(client.removePlayer(id, playerId)),
    // The bounds go as typed, text included, for the API to validate and name.
    purge: (id, minScore, maxScore) =>
      settled(
        client.purgeScores(id, { minScore, maxScore } as unknown as {
          minScore: number;
          maxScore: number;
        }),
      ),
    erasePlayer: (playerId) => settled(client.erasePlayer(playerId)),
    standings: (playerId, offset, limit) =>
      settled(client.getPlayerStandings(playerId, { offset, limit })),
    cohorts: (id, offset, limit, periodId) =>
      settled(client.listCohorts(id, { offset, limit, periodId })),
    cohortEntries: (id, cohortId, offset, limit, periodId) =>
      settled(client.getCohortEntries(id, cohortId, { offset, limit, periodId })),
    leagues: (id) => settled(client.getLeagues(id)),
    movements: (id, periodId, offset, limit) =>
      settled(client.getMovements(id, periodId, { offset, limit })),
    setLeague: (id, playerId, league) => settled(client.setPlayerLeague(id, playerId, league)),
    playerStatus: (playerId) => settled(client.getPlayerStatus(playerId)),
    setHidden: (playerId, hidden, reason) =>
      settled(client.setPlayerHidden(playerId, hidden, { reason })),
    results: (id, periodId) => settled(client.getPeriodResults(id, periodId)),
    webhooks: () => settled(client.listWebhooks()),
    webhook: (webhookId) => settled(client.getWebhook(webhookId)),
    // As typed, like the board forms: the API validates the URL, events and secret.
    createWebhook: (body) => settled(client.createWebhook(body as CreateWebhook)),
    updateWebhook: (webhookId, body) =>
      settled(client.updateWebhook(webhookId, body as UpdateWebhook)),
    deleteWebhook: (webhookId) => settled(client.deleteWebhook(webhookId)),
    deliveries: (webhookId) => settled(client.getWebhookDeliveries(webhookId)),
    testWebhook: (webhookId) => settled(client.testWebhook(webhookId)),
  };
}
