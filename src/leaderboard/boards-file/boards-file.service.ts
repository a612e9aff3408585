import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ProblemException } from '../../common/problem';
import {
  Board,
  BoardSettings,
  defaultSettings,
  GLOBAL_BOARD_ID,
  isMutableField,
  MutableSettings,
} from '../board';
import { BoardsService } from '../boards.service';
import {
  BoardsFile,
  BoardsFileError,
  BoardsFileProblem,
  BoardSpec,
  readBoardsFile,
} from './boards-file';

/** One setting that differs between the server and the file. */
export interface FieldChange {
  field: keyof BoardSettings;
  from: unknown;
  to: unknown;
}

export type BoardChange =
  /** Only the settings that differ from the defaults. */
  | { action: 'create'; boardId: string; settings: Partial<BoardSettings> }
  | { action: 'update'; boardId: string; changes: FieldChange[] }
  | { action: 'delete'; boardId: string; memberCount: number }
  /** Immutable settings that differ: the whole file is refused. */
  | { action: 'refuse'; boardId: string; changes: FieldChange[] };

/** What applying a boards file changes, computed against the boards on the server now. */
export interface BoardsPlan {
  file: string;
  prune: boolean;
  /** Boards the file lists. */
  listed: number;
  changes: BoardChange[];
  /** Listed boards that already match the file. */
  unchanged: string[];
  /** Boards on the server the file does not list and that stay (prune off, or `global`). */
  kept: string[];
  /** True when some immutable setting differs: applying changes nothing. */
  refused: boolean;
}

const BOARD_PAGE = 500;
/** Applying re-plans when another process changed a board between plan and change. */
const APPLY_ATTEMPTS = 5;

/** JSON with object keys in order, so equal settings compare equal whatever their key order. */
/**
 * The defaults a board file compares against: a board without tie-break columns stores none, and
 * its document (GET) shows `tiebreakers: []`, so both mean "no columns".
 */
function fileDefaults(id: string): BoardSettings {
  return { ...defaultSettings(id), tiebreakers: [] };
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

const sameValue = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/**
 * Boards declared as code: compares a boards file with the boards on the server and applies the
 * difference through {@link BoardsService} (the same rules, events and schedules as the API).
 * Missing boards are created, differing mutable settings patched, boards the file leaves out
 * deleted only with `prune: true` (never `global`); an immutable setting that differs refuses
 * the whole file before anything changes. A setting the file leaves out means its default.
 */
@Injectable()
export class BoardsFileService {
  private readonly logger = new Logger(BoardsFileService.name);

  constructor(
    private readonly boards: BoardsService,
    private readonly config: AppConfig,
  ) {}

  /** Reads and validates the file, including the rules between settings (minScore ≤ maxScore). */
  async load(path: string): Promise<BoardsFile> {
    const file = await readBoardsFile(path);
    const problems: BoardsFileProblem[] = [];
    for (const spec of file.boards) {
      try {
        this.boards.checkBounds(this.desired(spec));
      } catch (err) {
        if (!(err instanceof ProblemException)) throw err;
        const body = err.getResponse() as { errors?: { path: string; message: string }[] };
        for (const e of body.errors ?? [])
          problems.push({ board: spec.id, field: e.path, message: e.message });
      }
    }
    if (problems.length > 0) throw new BoardsFileError(path, 'invalid', problems);
    return file;
  }

  /** The settings the file declares for a board: its own, defaults for the rest. */
  private desired(spec: BoardSpec): BoardSettings {
    return { ...fileDefaults(spec.id), ...spec.settings };
  }

  /** Every board on the server, by id. */
  private async current(): Promise<Map<string, { board: Board; memberCount: number }>> {
    const out = new Map<string, { board: Board; memberCount: number }>();
    for (let offset = 0; ; offset += BOARD_PAGE) {
      const page = await this.boards.list(offset, BOARD_PAGE);
      for (const v of page.boards) out.set(v.board.id, v);
      if (page.nextOffset === null) return out;
    }
  }

  /** What applying `file` would change now; changes nothing. */
  async plan(file: BoardsFile): Promise<BoardsPlan> {
    const existing = await this.current();
    const changes: BoardChange[] = [];
    const unchanged: string[] = [];
    for (const spec of file.boards) {
      const desired = this.desired(spec);
      const found = existing.get(spec.id);
      if (!found) {
        const defaults = fileDefaults(spec.id);
        const settings = Object.fromEntries(
          Object.entries(desired).filter(
            ([k, v]) => !sameValue(v, defaults[k as keyof BoardSettings]),
          ),
        );
        changes.push({ action: 'create', boardId: spec.id, settings });
        continue;
      }
      const mutable: FieldChange[] = [];
      const immutable: FieldChange[] = [];
      // Every setting of the board document, so a new option is compared without a change here.
      for (const field of Object.keys(desired) as (keyof BoardSettings)[]) {
        const from = found.board[field] ?? fileDefaults(spec.id)[field];
        const to = desired[field];
        if (sameValue(from, to)) continue;
        (isMutableField(field) ? mutable : immutable).push({ field, from, to });
      }
      if (immutable.length > 0)
        changes.push({ action: 'refuse', boardId: spec.id, changes: immutable });
      else if (mutable.length > 0)
        changes.push({ action: 'update', boardId: spec.id, changes: mutable });
      else unchanged.push(spec.id);
    }
    const listed = new Set(file.boards.map((b) => b.id));
    const kept: string[] = [];
    for (const [id, { memberCount }] of existing) {
      if (listed.has(id)) continue;
      if (file.prune && id !== GLOBAL_BOARD_ID)
        changes.push({ action: 'delete', boardId: id, memberCount });
      else kept.push(id);
    }
    return {
      file: file.path,
      prune: file.prune,
      listed: file.boards.length,
      changes,
      unchanged,
      kept,
      refused: changes.some((c) => c.action === 'refuse'),
    };
  }

  /**
   * Applies `file`: deletions (prune) first, so they make room under MAX_BOARDS, then creations,
   * then patches. Refused files and files that would exceed MAX_BOARDS change nothing. Returns
   * the plan that was carried out. Idempotent: applying the same file again changes nothing.
   */
  async apply(file: BoardsFile): Promise<BoardsPlan> {
    let first: BoardsPlan | null = null;
    for (let attempt = 1; ; attempt++) {
      const plan = await this.plan(file);
      if (plan.refused) throw refusal(plan);
      this.checkCapacity(plan);
      first ??= plan;
      let raced: boolean;
      try {
        raced = await this.execute(plan);
      } catch (err) {
        if (err instanceof ProblemException) {
          const body = err.getResponse() as { detail?: string };
          throw new BoardsFileError(file.path, 'failed', [{ message: body.detail ?? err.message }]);
        }
        throw err;
      }
      if (!raced) return first;
      // Another process (a second worker starting, an admin) created, deleted or changed a
      // board meanwhile: compare again with what is there now.
      this.logger.debug(`Boards changed while ${file.path} was applied; planning again`);
      if (attempt >= APPLY_ATTEMPTS) {
        throw new BoardsFileError(file.path, 'failed', [
          { message: `boards kept changing while the file was applied (${attempt} attempts)` },
        ]);
      }
    }
  }

  /** A file that would need more than MAX_BOARDS boards is refused before anything changes. */
  private checkCapacity(plan: BoardsPlan): void {
    const creates = plan.changes.filter((c) => c.action === 'create').length;
    const stay = plan.changes.filter((c) => c.action === 'update').length;
    const after = plan.unchanged.length + plan.kept.length + stay + creates;
    if (creates > 0 && after > this.config.maxBoards) {
      throw new BoardsFileError(plan.file, 'failed', [
        {
          message: `the file would make ${after} boards exist, more than MAX_BOARDS (${this.config.maxBoards}); nothing was changed`,
        },
      ]);
    }
  }

  /** Carries out a plan; true if another process got in the way of a change (see isRace). */
  private async execute(plan: BoardsPlan): Promise<boolean> {
    let raced = false;
    const step = async (change: () => Promise<unknown>): Promise<void> => {
      try {
        await change();
      } catch (err) {
        if (!isRace(err)) throw err;
        raced = true;
      }
    };
    for (const c of plan.changes) {
      if (c.action === 'delete') await step(() => this.boards.delete(c.boardId));
    }
    for (const c of plan.changes) {
      if (c.action === 'create') await step(() => this.boards.create(c.boardId, c.settings));
    }
    for (const c of plan.changes) {
      if (c.action !== 'update') continue;
      const patch: Partial<MutableSettings> = {};
      for (const { field, to } of c.changes) {
        if (isMutableField(field)) (patch as Record<string, unknown>)[field] = to;
      }
      await step(() => this.boards.update(c.boardId, patch));
    }
    return raced;
  }
}

/** A board created (409 conflict) or deleted (404) by someone else since the plan. */
function isRace(err: unknown): boolean {
  if (!(err instanceof ProblemException)) return false;
  const type = (err.getResponse() as { type?: string }).type ?? '';
  return err.getStatus() === 404 || (err.getStatus() === 409 && type.endsWith('/conflict'));
}

function refusal(plan: BoardsPlan): BoardsFileError {
  const problems: BoardsFileProblem[] = [];
  for (const c of plan.changes) {
    if (c.action !== 'refuse') continue;
    for (const f of c.changes) {
      problems.push({
        board: c.boardId,
        field: f.field,
        message:
          `is ${JSON.stringify(f.from)} on the server and ${JSON.stringify(f.to)} in the file; ` +
          `${f.field} cannot change after the board is created (delete the board and apply again, or fix the file)`,
      });
    }
  }
  return new BoardsFileError(plan.file, 'refused', problems);
}
