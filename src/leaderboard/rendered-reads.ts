import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Metrics } from '../common/metrics';
import { AppConfig } from '../config/app-config';
import { ValkeyConnections } from '../valkey/valkey-connections';

/** A read's JSON body as rendered at one board version. */
export interface Rendered {
  version: string;
  json: string;
}

/** What an entry costs the process besides its strings (Map slot, object, key and version). */
const ENTRY_OVERHEAD = 200;

/**
 * The public reads this process rendered last, by URL (board, route and parameters), each with
 * the board version it was rendered at; least recently used first out, within
 * READ_RENDER_CACHE_MB (AppConfig.renderedReadsBytes; 0 = none kept).
 *
 * Never served on trust: a read asks its script whether the board is still at the kept version,
 * in the same call that charges the read limit and would otherwise read the rows (the check a
 * conditional read makes for If-None-Match). Only when Valkey answers that it is does the kept
 * body go out, so an answer is exactly what rendering it again would produce — the board version
 * moves with every change a read can see (README "Caching reads"). What it saves is the rows'
 * Valkey work, their decoding and the JSON rendering; what it costs is memory and, when the board
 * has moved, nothing (the script renders the rows in the same call).
 */
@Injectable()
export class RenderedReads {
  private readonly entries = new Map<string, Rendered>();
  private bytes = 0;
  private readonly budget: number;
  private readonly counted: { kept: Counter.Internal; rendered: Counter.Internal };

  /** Moves whenever everything kept is dropped; a render begun before it is not kept. */
  private generation = 0;

  constructor(config: AppConfig, metrics: Metrics, valkey: ValkeyConnections) {
    this.budget = config.renderedReadsBytes;
    // Versions are counters in Valkey: one that lost writes (restarted from an older snapshot,
    // a replica promoted before it had them) hands out the same versions again for other
    // content, so nothing rendered before a reconnection is trusted after it.
    valkey.onReconnect(() => this.clear());
    this.counted = {
      kept: metrics.renderedReads.labels('kept'),
      rendered: metrics.renderedReads.labels('rendered'),
    };
  }

  /** Counts a read answered with a kept body (true) or rendered from its rows. */
  count(kept: boolean): void {
    (kept ? this.counted.kept : this.counted.rendered).inc();
  }

  /** Pass to {@link set}: a body rendered across a {@link clear} is not kept. */
  get epoch(): number {
    return this.generation;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.generation++;
  }

  get enabled(): boolean {
    return this.budget > 0;
  }

  get(key: string): Rendered | undefined {
    const kept = this.entries.get(key);
    if (kept) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, kept);
    }
    return kept;
  }

  set(key: string, version: string, json: string, epoch = this.generation): void {
    if (epoch !== this.generation) return;
    // What the URL had kept is of an older version, never served again: out even when the new
    // body is not kept (it would stay, refreshed by every read of the URL, sent along for nothing).
    this.drop(key);
    const size = sizeOf(key, version, json);
    if (size > this.budget / 8) return; // one huge page must not flush everything else
    this.entries.set(key, { version, json });
    this.bytes += size;
    for (const [oldest, kept] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(oldest);
      this.bytes -= sizeOf(oldest, kept.version, kept.json);
    }
  }

  private drop(key: string): void {
    const kept = this.entries.get(key);
    if (!kept) return;
    this.entries.delete(key);
    this.bytes -= sizeOf(key, kept.version, kept.json);
  }
}

/** Roughly what an entry holds in memory (strings counted at 2 bytes a character). */
const sizeOf = (key: string, version: string, json: string): number =>
  ENTRY_OVERHEAD + 2 * (key.length + version.length + json.length);
