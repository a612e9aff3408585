import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulesService } from './schedules.service';

/**
 * Worker processes make the reset schedulers match the boards when they start (a board
 * created while no worker ran still gets its scheduler); the sweep repeats it every minute.
 */
@Injectable()
export class SchedulesAtBoot implements OnApplicationBootstrap {
  private readonly logger = new Logger(SchedulesAtBoot.name);

  constructor(private readonly schedules: SchedulesService) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const n = await this.schedules.assertAll();
      this.logger.log(`${n} reset schedule(s) asserted`);
    } catch (err) {
      // The sweep re-asserts them once Valkey answers.
      this.logger.warn(`Could not assert reset schedules yet: ${(err as Error).message}`);
    }
  }
}
