import { Injectable } from '@nestjs/common';
import type { DomainEventName, DomainEvents } from './domain-events';

type Listener<K extends DomainEventName> = (event: DomainEvents[K]) => Promise<void> | void;

/**
 * The one in-process event bus (immich's typed event map, without a framework). `emit` awaits
 * every listener of the event in subscription order, so a listener that must not fail the
 * emitter (live updates after a reset) catches its own errors, while one whose failure must
 * fail the request (a board's reset schedule) lets it propagate.
 *
 * In-process only: an event reaches listeners in the emitting process. Work that must cross
 * processes (api → worker) rides on a BullMQ job or Valkey pub/sub, started by a listener.
 */
@Injectable()
export class EventBus {
  private readonly listeners = new Map<DomainEventName, Listener<DomainEventName>[]>();

  on<K extends DomainEventName>(name: K, listener: Listener<K>): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as Listener<DomainEventName>);
    this.listeners.set(name, list);
  }

  async emit<K extends DomainEventName>(name: K, event: DomainEvents[K]): Promise<void> {
    for (const listener of this.listeners.get(name) ?? []) await listener(event);
  }
}
