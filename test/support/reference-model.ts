/**
 * A plain in-memory leaderboard: the rules of SPEC §2–3 written as directly as possible, to
 * check the Valkey implementation against.
 */
export interface ModelConfig {
  sortOrder: 'desc' | 'asc';
  updateMode: 'best' | 'latest' | 'increment';
  rankMode: 'ordinal' | 'competition' | 'dense';
  minScore: number;
  maxScore: number;
  /** Tie-break columns' directions (issue 9); absent or [] = none. */
  tiebreakers?: ('desc' | 'asc')[];
}

interface Row {
  playerId: string;
  score: number;
  /** one per tie-break column ([] without columns) */
  subscores: number[];
  /** when the score or a subscore last changed: the tie-break */
  changedAt: number;
}

export interface ModelResult {
  score: number;
  subscores?: number[];
  rank: number;
  previousScore: number | null;
  previousRank: number | null;
  updated: boolean;
}

export class ReferenceBoard {
  private rows = new Map<string, Row>();
  private clock = 0;

  constructor(readonly config: ModelConfig) {}

  private get columns(): ('desc' | 'asc')[] {
    return this.config.tiebreakers ?? [];
  }

  private better(a: number, b: number, order = this.config.sortOrder): boolean {
    return order === 'desc' ? a > b : a < b;
  }

  /** <0 when a ranks before b by score then each column in its direction, 0 when equal. */
  private compareTuples(a: Row, b: Row): number {
    if (a.score !== b.score) return this.better(a.score, b.score) ? -1 : 1;
    for (const [i, order] of this.columns.entries()) {
      const x = a.subscores[i];
      const y = b.subscores[i];
      if (x !== y) return this.better(x, y, order) ? -1 : 1;
    }
    return 0;
  }

  sorted(): Row[] {
    return [...this.rows.values()].sort(
      (a, b) => this.compareTuples(a, b) || a.changedAt - b.changedAt,
    );
  }

  /** Ranks of the players `include` keeps (all by default), as if the others did not exist. */
  ranked(
    include: (playerId: string) => boolean = () => true,
  ): { playerId: string; score: number; subscores?: number[]; rank: number }[] {
    const rows = this.sorted().filter((r) => include(r.playerId));
    const out: { playerId: string; score: number; subscores?: number[]; rank: number }[] = [];
    let dense = 0;
    rows.forEach((r, i) => {
      const prev = rows[i - 1];
      const newTuple = !prev || this.compareTuples(prev, r) !== 0;
      if (newTuple) dense++;
      let rank = i + 1;
      if (this.config.rankMode === 'competition') rank = newTuple ? i + 1 : out[i - 1].rank;
      if (this.config.rankMode === 'dense') rank = dense;
      out.push({ playerId: r.playerId, score: r.score, ...this.shown(r), rank });
    });
    return out;
  }

  /** What reads show: subscores only on boards with columns. */
  private shown(r: Row): { subscores?: number[] } {
    return this.columns.length > 0 ? { subscores: r.subscores } : {};
  }

  rankOf(playerId: string): number | null {
    return this.ranked().find((r) => r.playerId === playerId)?.rank ?? null;
  }

  /**
   * Returns the result, or 'out-of-bounds' / 'bad-subscores' (and changes nothing). Subscores:
   * one per column, required on a board with columns except for an increment of a player on
   * the board (which keeps its own), refused on a board without.
   */
  submit(
    playerId: string,
    value: number,
    subscores?: number[],
  ): ModelResult | 'out-of-bounds' | 'bad-subscores' {
    const { updateMode, minScore, maxScore } = this.config;
    const prev = this.rows.get(playerId);
    const previousRank = prev ? this.rankOf(playerId) : null;
    const columns = this.columns.length;
    let subs: number[];
    if (subscores === undefined) {
      if (columns > 0 && !(prev && updateMode === 'increment')) return 'bad-subscores';
      subs = prev?.subscores ?? [];
    } else {
      if (subscores.length !== columns) return 'bad-subscores';
      subs = subscores;
    }
    let next: number;
    if (updateMode === 'increment') {
      next = (prev?.score ?? 0) + value;
    } else {
      next = value;
    }
    if (next < minScore || next > maxScore || !Number.isSafeInteger(next)) return 'out-of-bounds';
    const candidate: Row = { playerId, score: next, subscores: subs, changedAt: this.clock + 1 };
    let changed: boolean;
    if (!prev) changed = true;
    else if (updateMode === 'best') changed = this.compareTuples(candidate, prev) < 0;
    else changed = this.compareTuples(candidate, prev) !== 0;
    if (changed) {
      this.clock++;
      this.rows.set(playerId, candidate);
    }
    const now = this.rows.get(playerId)!;
    return {
      score: now.score,
      ...this.shown(now),
      rank: this.rankOf(playerId)!,
      previousScore: prev?.score ?? null,
      previousRank,
      updated: changed,
    };
  }

  remove(playerId: string): boolean {
    return this.rows.delete(playerId);
  }

  get size(): number {
    return this.rows.size;
  }
}
