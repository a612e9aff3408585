import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus';

/** Provides the one event bus to every feature. */
@Global()
@Module({ providers: [EventBus], exports: [EventBus] })
export class EventsModule {}
