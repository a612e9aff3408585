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
}

interface Row {
  playerId: string;
  score: number;
  /** when the score last changed: the tie-break */
  changedAt: number;
}

export interface ModelResult {
  score: number;
  rank: number;
  previousScore: number | null;
  previousRank: number | null;
  updated: boolean;
}

export class ReferenceBoard {
  private rows = new Map<string, Row>();
  private clock = 0;

  constructor(readonly config: ModelConfig) {}

  private better(a: number, b: number): boolean {
    return this.config.sortOrder === 'desc' ? a > b : a < b;
  }

  sorted(): Row[] {
    return [...this.rows.values()].sort((a, b) =>
      a.score === b.score ? a.changedAt - b.changedAt : this.better(a.score, b.score) ? -1 : 1,
    );
  }

  ranked(): { playerId: string; score: number; rank: number }[] {
    const rows = this.sorted();
    const out: { playerId: string; score: number; rank: number }[] = [];
    let dense = 0;
    rows.forEach((r, i) => {
      const prev = rows[i - 1];
      const newScore = !prev || prev.score !== r.score;
      if (newScore) dense++;
      let rank = i + 1;
      if (this.config.rankMode === 'competition') rank = newScore ? i + 1 : out[i - 1].rank;
      if (this.config.rankMode === 'dense') rank = dense;
      out.push({ playerId: r.playerId, score: r.score, rank });
    });
    return out;
  }

  rankOf(playerId: string): number | null {
    return this.ranked().find((r) => r.playerId === playerId)?.rank ?? null;
  }

  /** Returns the result, or 'out-of-bounds' (and changes nothing). */
  submit(playerId: string, value: number): ModelResult | 'out-of-bounds' {
    const { updateMode, minScore, maxScore } = this.config;
    const prev = this.rows.get(playerId);
    const previousRank = prev ? this.rankOf(playerId) : null;
    let next: number;
    if (updateMode === 'increment') {
      next = (prev?.score ?? 0) + value;
    } else {
      next = value;
    }
    if (next < minScore || next > maxScore || !Number.isSafeInteger(next)) return 'out-of-bounds';
    let changed: boolean;
    if (!prev) changed = true;
    else if (updateMode === 'best') changed = this.better(next, prev.score);
    else changed = next !== prev.score;
    if (changed) this.rows.set(playerId, { playerId, score: next, changedAt: ++this.clock });
    const now = this.rows.get(playerId)!;
    return {
      score: now.score,
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
