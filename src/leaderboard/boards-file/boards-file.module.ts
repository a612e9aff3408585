import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../leaderboard.module';
import { BoardsFileAtBoot } from './boards-file-at-boot';
import { BoardsFileService } from './boards-file.service';

/** Boards declared as code: plan and apply a boards file (`npm run boards`). */
@Module({
  imports: [LeaderboardModule],
  providers: [BoardsFileService],
  exports: [BoardsFileService],
})
export class BoardsFileModule {}

/** Worker processes: apply BOARDS_FILE at startup. */
@Module({
  imports: [BoardsFileModule],
  providers: [BoardsFileAtBoot],
})
export class BoardsFileAtBootModule {}
