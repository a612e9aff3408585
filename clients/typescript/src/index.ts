/**
 * Valkran's TypeScript / JavaScript SDK: a typed REST client (generated from the server's
 * OpenAPI document) with retried, idempotent submits, and a typed live client over Socket.IO.
 * Works in Node >= 20 and in browsers.
 */
export { ValkranError, type Problem } from './errors';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
export {
  ValkranClient,
  type Around,
  type BatchResult,
  type Board,
  type BoardStanding,
  type BoardList,
  type CallOptions,
  type components,
  type CreateBoard,
  type Entry,
  type EraseResult,
  type LookupResult,
  type Page,
  type PageOptions,
  type PeriodList,
  type PurgeResult,
  type paths,
  type Player,
  type PlayerStandings,
  type ResetAccepted,
  type Score,
  type Stats,
  type SubmitOptions,
  type SubmitResult,
  type UpdateBoard,
  type ValkranClientOptions,
  type WhoAmI,
} from './rest';
export {
  LiveClient,
  type ClientToServerEvents,
  type LiveClientOptions,
  type LiveEvents,
  type PlayerRankEvent,
  type ResetEvent,
  type ServerToClientEvents,
  type SubscribeOptions,
  type Subscription,
  type TopEvent,
  type TopRow,
} from './live';
