import { Module, OnModuleInit } from '@nestjs/common';
import { EventBus } from '../events/event-bus';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { LiveGateway } from './live.gateway';
import { LivePage } from './live-page';
import { LiveSubscriptions } from './live-subscriptions';
import { LivePublisher } from './live-publisher';
import { LiveRepository } from './live.repository';

/** Shared by both sides of live updates; drops a deleted board's live state. */
@Module({
  imports: [LeaderboardModule],
  providers: [LiveRepository],
  exports: [LiveRepository],
})
export class RealtimeModule implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly live: LiveRepository,
  ) {}

  onModuleInit(): void {
    this.events.on('board.deleted', (e) => this.live.drop(e.boardId));
  }
}

/** API side: the Socket.IO gateway and the live page. */
@Module({
  imports: [RealtimeModule, LeaderboardModule],
  providers: [LiveGateway, LiveSubscriptions, LivePage],
})
export class LiveGatewayModule {}

/** Worker side: turns computed stats and resets into live events. */
@Module({
  imports: [RealtimeModule, LeaderboardModule],
  providers: [LivePublisher],
})
export class LivePublisherModule {}
