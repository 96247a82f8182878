import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { deadLetterTopic } from '@tutoring/shared/contracts';
import { DeadLetterPublisher } from '@tutoring/shared/messaging';
import { AuditModule } from '@tutoring/shared/audit';
import { SERVICE_RUNTIME, SERVICE_SCHEMA, type ServiceRuntime } from '@tutoring/shared/runtime';
import { int, loadConfigOrExit } from '@tutoring/shared/service-kit';
import { SchedulingStore } from '@tutoring/scheduling/infrastructure';
import { SchedulingService } from './commands/scheduling.service';
import { AutoScheduleService } from './commands/auto-schedule.service';
import { ENROLLMENT_TOPICS, EnrollmentEventsHandler } from './reference/enrollment-events.handler';
import { GroupsController } from './http/groups.controller';
import { OccurrencesController } from './http/occurrences.controller';
import { AutoScheduleController } from './http/auto-schedule.controller';

export const REFERENCE_GROUP = 'scheduling.reference';

/** Scheduling's own variables (on top of the common ones), validated at start-up. */
export const schedulingConfigSchema = {
  /**
   * How often the background planner rolls every district's horizon forward (idempotent, so every replica may run
   * it). 0 turns it off (then call POST /v1/occurrences/planning, e.g. from a CronJob).
   */
  SCHEDULING_PLANNING_INTERVAL_MS: int({ min: 0, max: 86_400_000, default: 3_600_000 }),
};

/**
 * Scheduling: HTTP commands and reads under /v1, and one consumer that keeps the local copies of enrollment's
 * facts. Outgoing events leave through the runtime's outbox relay.
 */
@Module({
  imports: [AuditModule],
  controllers: [GroupsController, OccurrencesController, AutoScheduleController],
  providers: [
    { provide: SchedulingStore, inject: [SERVICE_SCHEMA], useFactory: (schema: string) => new SchedulingStore(schema) },
    {
      provide: SchedulingService,
      inject: [SERVICE_RUNTIME, SchedulingStore],
      useFactory: (rt: ServiceRuntime, store: SchedulingStore) =>
        new SchedulingService(rt.dataSource, store, randomUUID),
    },
    {
      provide: AutoScheduleService,
      inject: [SERVICE_RUNTIME, SchedulingStore, SchedulingService],
      useFactory: (rt: ServiceRuntime, store: SchedulingStore, scheduling: SchedulingService) =>
        new AutoScheduleService(rt.dataSource, store, scheduling),
    },
  ],
})
export class SchedulingModule implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(SchedulingStore) private readonly store: SchedulingStore,
    @Inject(SchedulingService) private readonly scheduling: SchedulingService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rt = this.runtime;
    const log = rt.config.logger;
    const handler = new EnrollmentEventsHandler(
      rt.dataSource,
      this.store,
      this.scheduling,
      (topic) => new DeadLetterPublisher(rt.producer, { consumerGroup: REFERENCE_GROUP, topic }),
      log,
    );
    const consumer = rt.consumer({ groupId: REFERENCE_GROUP, topics: ENROLLMENT_TOPICS, fromBeginning: true, handler });
    // Kafka may be down at start: set-up is retried in the background; the service stays up (not ready).
    const setUp = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          await rt.admin.ensureTopics(
            [...ENROLLMENT_TOPICS, ...ENROLLMENT_TOPICS.map(deadLetterTopic)].map((topic) => ({ topic })),
          );
          await consumer.start();
          return;
        } catch (error) {
          log.warn({ err: String(error), attempt }, 'Kafka set-up failed; retrying');
          await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
        }
      }
    };
    void setUp();
    this.startPlanner(rt);
  }

  /** The rolling horizon moves on its own: every district's occurrences planned up to today + horizon, each tick. */
  private startPlanner(rt: ServiceRuntime): void {
    const log = rt.config.logger;
    const every = loadConfigOrExit(schedulingConfigSchema, process.env).SCHEDULING_PLANNING_INTERVAL_MS;
    if (every === 0) return;
    let running: Promise<void> | null = null;
    const tick = (): void => {
      if (running || !rt.dataSource.isInitialized) return;
      running = this.scheduling
        .planAllDistricts()
        .then((r) => {
          if (r.failed.length) log.error({ failed: r.failed }, 'horizon planning failed for some districts');
          log.info({ districts: r.districts, planned: r.planned }, 'planning horizon rolled');
        })
        .catch((e: unknown) =>
          log.error({ err: e instanceof Error ? e.message : String(e) }, 'horizon planning failed'),
        )
        .finally(() => {
          running = null;
        });
    };
    const first = setTimeout(tick, Math.min(every, 30_000));
    const timer = setInterval(tick, every);
    first.unref();
    timer.unref();
    // The runtime closes the database on SIGTERM before Nest's hooks: stop ticking and let a running tick finish first.
    const runtimeShutdown = rt.shutdown.bind(rt);
    rt.shutdown = async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
      await runtimeShutdown();
    };
  }
}
