import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { isValkeyUnavailable } from '../../valkey/valkey-errors';
import { BoardsFileError } from './boards-file';
import { BoardsFileService } from './boards-file.service';

/** How long a starting worker waits for Valkey to apply BOARDS_FILE before it gives up. */
export const BOOT_APPLY_WAIT_MS = 30_000;

/**
 * Worker processes (worker and all modes) apply BOARDS_FILE when they start. A file that is
 * invalid, refused (an immutable field differs) or cannot be applied stops the process: the
 * {@link BoardsFileError} reaches main.ts, which prints it and exits non-zero.
 */
@Injectable()
export class BoardsFileAtBoot implements OnApplicationBootstrap {
  private readonly logger = new Logger(BoardsFileAtBoot.name);

  constructor(
    private readonly config: AppConfig,
    private readonly files: BoardsFileService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const path = this.config.boardsFile;
    if (!path) return;
    const file = await this.files.load(path);
    const deadline = Date.now() + BOOT_APPLY_WAIT_MS;
    for (let waited = false; ; waited = true) {
      try {
        const plan = await this.files.apply(file);
        const summary = plan.changes.map((c) => `${c.action} ${c.boardId}`).join(', ');
        this.logger.log(`BOARDS_FILE ${path} applied: ${summary || 'no changes'}`);
        return;
      } catch (err) {
        if (err instanceof BoardsFileError || !isValkeyUnavailable(err)) throw err;
        if (Date.now() > deadline) {
          throw new BoardsFileError(path, 'failed', [
            { message: `Valkey did not answer for ${BOOT_APPLY_WAIT_MS / 1000} s` },
          ]);
        }
        if (!waited) this.logger.warn(`Waiting for Valkey to apply BOARDS_FILE ${path}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}
