import { Injectable, SetMetadata } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { JobName, JOBS, QueueName } from './queue-names';

const HANDLES = 'valkran:handles-job';

interface HandlerTarget {
  queue: QueueName;
  job: JobName;
}

/** Marks a provider method as the handler of one job name on one queue. */
export const HandlesJob = (queue: QueueName, job: JobName): MethodDecorator =>
  SetMetadata(HANDLES, { queue, job } satisfies HandlerTarget);

export type JobHandler = (job: Job) => Promise<unknown>;

/**
 * Every declared job name must have exactly one handler, and every handler a declared name;
 * otherwise the worker refuses to boot (a job nobody handles would sit in the queue forever).
 */
export function verifyHandlers(found: { target: HandlerTarget; owner: string }[]): string[] {
  const problems: string[] = [];
  for (const [queue, names] of Object.entries(JOBS) as [QueueName, readonly JobName[]][]) {
    for (const name of names) {
      const owners = found.filter((f) => f.target.queue === queue && f.target.job === name);
      if (owners.length !== 1) {
        problems.push(
          `job "${queue}/${name}" has ${owners.length} handlers${owners.length ? ` (${owners.map((o) => o.owner).join(', ')})` : ''}; it needs exactly one`,
        );
      }
    }
  }
  for (const f of found) {
    if (!(JOBS[f.target.queue] as readonly string[]).includes(f.target.job)) {
      problems.push(`${f.owner} handles undeclared job "${f.target.queue}/${f.target.job}"`);
    }
  }
  return problems;
}

/** Finds `@HandlesJob` methods on all providers and routes jobs to them. */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<string, JobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Collects handlers; throws naming every problem if the set is not exactly right. */
  load(): void {
    const found: { target: HandlerTarget; owner: string; fn: JobHandler }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const target = this.reflector.get<HandlerTarget | undefined>(HANDLES, fn);
        if (target) {
          found.push({
            target,
            owner: `${instance.constructor.name}.${method}`,
            fn: (fn as JobHandler).bind(instance),
          });
        }
      }
    }
    const problems = verifyHandlers(found);
    if (problems.length)
      throw new Error(`Job handlers are not consistent:\n  ${problems.join('\n  ')}`);
    for (const f of found) this.handlers.set(`${f.target.queue}/${f.target.job}`, f.fn);
  }

  handle(queue: QueueName, job: Job): Promise<unknown> {
    const fn = this.handlers.get(`${queue}/${job.name}`);
    if (!fn) throw new Error(`No handler for job "${queue}/${job.name}"`);
    return fn(job);
  }
}
