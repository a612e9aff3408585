/// <reference lib="dom" />
/**
 * Every HTTP call the console makes, in one place, so it can move to the generated TypeScript
 * SDK (clients/typescript) without touching the views. Types come from the API's own DTOs
 * (type-only imports: nothing of the server is bundled).
 */
import type { WhoAmIDto } from '../dto/whoami.dto';
import type { Problem } from '../../common/problem';
import type { BoardDto, CreateBoardDto, UpdateBoardDto } from '../../leaderboard/dto/board.dto';
import type { PeriodListDto } from '../../leaderboard/dto/periods.dto';
import type { PageDto, PlayerDto } from '../../leaderboard/dto/standings.dto';
import type { ResetAcceptedDto } from '../../ranking-jobs/resets/dto/reset.dto';
import type { StatsDto } from '../../ranking-jobs/stats/dto/stats.dto';
import type { EraseResultDto, PurgeResultDto } from '../../scores/dto/submit.dto';

export type {
  BoardDto,
  EraseResultDto,
  PageDto,
  PeriodListDto,
  PlayerDto,
  Problem,
  ResetAcceptedDto,
  StatsDto,
};
export type EntryDto = PageDto['entries'][number];

/**
 * A board form as typed: any field may hold what the operator entered (a number field may
 * hold text), so the API, not the console, decides what is valid and says which field is wrong.
 */
export type BoardBody<T> = { [K in keyof T]?: unknown };
export type CreateBoardBody = BoardBody<CreateBoardDto>;
export type UpdateBoardBody = BoardBody<UpdateBoardDto>;

/** A failed call: the API's problem+json, or one made up for a network failure. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

export interface BoardList {
  boards: BoardDto[];
  /** boards in all (X-Total-Count) */
  total: number;
}

const isProblem = (v: unknown): v is Problem =>
  typeof v === 'object' && v !== null && typeof (v as Problem).status === 'number';

const enc = encodeURIComponent;

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
}

/** The API of this origin, authenticated with whatever key `key()` holds at call time. */
export function createApi(key: () => string | null): Api {
  async function call<T>(
    method: string,
    path: string,
    opts: { body?: unknown; auth?: string | null } = {},
  ): Promise<{ data: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const auth = opts.auth === undefined ? key() : opts.auth;
    if (auth) headers.authorization = `Bearer ${auth}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body, credentials: 'omit', cache: 'no-store' });
    } catch {
      throw new ApiError({
        type: 'about:blank',
        title: 'Network error',
        status: 0,
        detail: 'The server could not be reached.',
      });
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!res.ok) {
      throw new ApiError(
        isProblem(parsed)
          ? parsed
          : {
              type: 'about:blank',
              title: res.statusText || 'Error',
              status: res.status,
              detail: `The server answered ${res.status}.`,
            },
      );
    }
    return { data: parsed as T, headers: res.headers };
  }
  const get = async <T>(path: string): Promise<T> => (await call<T>('GET', path)).data;

  return {
    whoami: async (k) => (await call<WhoAmIDto>('GET', '/v1/admin/whoami', { auth: k })).data,
    async listBoards(offset, limit) {
      const { data, headers } = await call<BoardDto[]>(
        'GET',
        `/v1/leaderboards?offset=${offset}&limit=${limit}`,
      );
      const total = Number(headers.get('x-total-count') ?? data.length);
      return { boards: data, total: Number.isFinite(total) ? total : data.length };
    },
    getBoard: (id) => get<BoardDto>(`/v1/leaderboards/${enc(id)}`),
    createBoard: async (body) => (await call<BoardDto>('POST', '/v1/leaderboards', { body })).data,
    updateBoard: async (id, body) =>
      (await call<BoardDto>('PATCH', `/v1/leaderboards/${enc(id)}`, { body })).data,
    async deleteBoard(id) {
      await call('DELETE', `/v1/leaderboards/${enc(id)}`);
    },
    resetBoard: async (id) =>
      (await call<ResetAcceptedDto>('POST', `/v1/leaderboards/${enc(id)}/reset`)).data,
    entries: (id, offset, limit) =>
      get<PageDto>(`/v1/leaderboards/${enc(id)}/entries?offset=${offset}&limit=${limit}`),
    player: (id, playerId) =>
      get<PlayerDto>(`/v1/leaderboards/${enc(id)}/players/${enc(playerId)}`),
    periods: (id) => get<PeriodListDto>(`/v1/leaderboards/${enc(id)}/periods`),
    periodEntries: (id, periodId, offset, limit) =>
      get<PageDto>(
        `/v1/leaderboards/${enc(id)}/periods/${enc(periodId)}/entries?offset=${offset}&limit=${limit}`,
      ),
    stats: (id) => get<StatsDto>(`/v1/leaderboards/${enc(id)}/stats`),
    async removePlayer(id, playerId) {
      await call('DELETE', `/v1/leaderboards/${enc(id)}/players/${enc(playerId)}`);
    },
    purge: async (id, minScore, maxScore) =>
      (
        await call<PurgeResultDto>(
          'DELETE',
          `/v1/leaderboards/${enc(id)}/entries?minScore=${enc(minScore)}&maxScore=${enc(maxScore)}`,
        )
      ).data,
    erasePlayer: async (playerId) =>
      (await call<EraseResultDto>('DELETE', `/v1/players/${enc(playerId)}`)).data,
  };
}
