import { BeforeApplicationShutdown, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  ChannelSender,
  DeliveryStore,
  DirectoryStore,
  InboxSender,
  LiveStart,
  LiveStartStore,
  LoggingSmsProviderForLocalOnly,
  ReadModelStore,
  SmsSender,
  SmtpEmailSender,
  WebhookSender,
} from '@tutoring/notifications/infrastructure';
import { AuditModule } from '@tutoring/shared/audit';
import { deadLetterTopic, NOTIFICATIONS_TOPIC } from '@tutoring/shared/contracts';
import { DeadLetterPublisher } from '@tutoring/shared/messaging';
import { DATA_SOURCE, SERVICE_RUNTIME, SERVICE_SCHEMA, ServiceRuntime } from '@tutoring/shared/runtime';
import { Dispatcher } from './dispatch/dispatcher.service';
import { EventDecisions } from './events/event-decisions';
import { INPUT_TOPICS } from './events/event-inputs';
import { HandlerOptions, NotificationEventsHandler } from './events/notification-events.handler';
import { NotificationsAdminController } from './http/admin.controller';
import { InboxController } from './http/inbox.controller';
import { TemplatesController } from './http/templates.controller';
import { loadNotificationsConfig, NotificationsConfig } from './notifications.config';
import { RebuildService } from './rebuild/rebuild.service';
import { SweepService } from './sweep/sweep.service';
import { CLOCK, Clock } from './tokens';

export const EVENTS_GROUP = 'notifications.events';
export const LIVE_CONSUMER = 'notifications.events';
const NOTIFICATIONS_CONFIG = Symbol.for('tutoring.notifications.Config');

const senders = (config: NotificationsConfig, rt: ServiceRuntime): ChannelSender[] => {
  const out: ChannelSender[] = [new InboxSender()];
  if (config.SMTP_HOST) {
    out.push(
      new SmtpEmailSender({
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_SECURE,
        from: config.SMTP_FROM,
        user: config.SMTP_USER,
        password: config.SMTP_PASSWORD,
        messageIdDomain: config.NOTIFICATIONS_MESSAGE_ID_DOMAIN,
      }),
    );
  }
  if (config.NOTIFICATIONS_WEBHOOK_SECRET) out.push(new WebhookSender(config.NOTIFICATIONS_WEBHOOK_SECRET));
  if (config.NOTIFICATIONS_SMS_PROVIDER === 'logging-local-only')
    out.push(new SmsSender(new LoggingSmsProviderForLocalOnly(rt.config.logger)));
  return out;
};

/** A repeating job that never overlaps itself and can be stopped (waiting for the run in hand). */
class Loop {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.current = this.work().then(
        () => undefined,
        (e: unknown) => this.onError(e),
      );
      void this.current.then(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }
}

@Module({
  imports: [AuditModule],
  controllers: [TemplatesController, InboxController, NotificationsAdminController],
  providers: [
    { provide: NOTIFICATIONS_CONFIG, useFactory: () => loadNotificationsConfig() },
    { provide: CLOCK, useValue: (() => new Date()) satisfies Clock },
    { provide: ReadModelStore, inject: [SERVICE_SCHEMA], useFactory: (s: string) => new ReadModelStore(s) },
    { provide: DirectoryStore, inject: [SERVICE_SCHEMA], useFactory: (s: string) => new DirectoryStore(s) },
    { provide: DeliveryStore, inject: [SERVICE_SCHEMA], useFactory: (s: string) => new DeliveryStore(s) },
    {
      provide: EventDecisions,
      inject: [ReadModelStore, DirectoryStore, DeliveryStore],
      useFactory: (r: ReadModelStore, d: DirectoryStore, q: DeliveryStore) => new EventDecisions(r, d, q),
    },
    {
      provide: SweepService,
      inject: [DATA_SOURCE, ReadModelStore, DirectoryStore, DeliveryStore, SERVICE_RUNTIME],
      useFactory: (ds: DataSource, r: ReadModelStore, d: DirectoryStore, q: DeliveryStore, rt: ServiceRuntime) =>
        new SweepService(ds, r, d, q, rt.config.logger),
    },
    {
      provide: Dispatcher,
      inject: [SERVICE_RUNTIME, ReadModelStore, DeliveryStore, NOTIFICATIONS_CONFIG],
      useFactory: (rt: ServiceRuntime, r: ReadModelStore, q: DeliveryStore, c: NotificationsConfig) =>
        new Dispatcher(
          rt.dataSource,
          rt.schema,
          r,
          q,
          senders(c, rt),
          rt.config.logger,
          {
            leaseMs: c.NOTIFICATIONS_SEND_LEASE_MS,
            maxAttempts: c.NOTIFICATIONS_MAX_ATTEMPTS,
            backoffBaseMs: c.NOTIFICATIONS_BACKOFF_BASE_MS,
            backoffMaxMs: 3_600_000,
            batchSize: 20,
            messageIdDomain: c.NOTIFICATIONS_MESSAGE_ID_DOMAIN,
          },
          randomUUID,
        ),
    },
    {
      provide: NotificationEventsHandler,
      inject: [SERVICE_RUNTIME, ReadModelStore, EventDecisions],
      useFactory: (rt: ServiceRuntime, r: ReadModelStore, d: EventDecisions) =>
        handlerFactory(rt, r, d)({ mode: 'live', consumerName: LIVE_CONSUMER }),
    },
    {
      provide: RebuildService,
      inject: [SERVICE_RUNTIME, ReadModelStore, EventDecisions],
      useFactory: (rt: ServiceRuntime, r: ReadModelStore, d: EventDecisions) =>
        new RebuildService(
          rt.dataSource,
          rt.schema,
          rt.kafka,
          r,
          handlerFactory(rt, r, d),
          rt.config.logger,
          randomUUID,
        ),
    },
  ],
})
export class NotificationsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loops: Loop[] = [];

  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    @Inject(NotificationEventsHandler) private readonly handler: NotificationEventsHandler,
    @Inject(SweepService) private readonly sweeps: SweepService,
    @Inject(Dispatcher) private readonly dispatcher: Dispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RebuildService) private readonly rebuilds: RebuildService,
  ) {}

  onApplicationBootstrap(): void {
    const rt = this.runtime;
    const log = rt.config.logger;
    const consumer = rt.consumer({
      groupId: EVENTS_GROUP,
      topics: INPUT_TOPICS,
      fromBeginning: true,
      handler: this.handler,
    });
    const topics = [...INPUT_TOPICS, ...INPUT_TOPICS.map(deadLetterTopic), NOTIFICATIONS_TOPIC];
    // Kafka may be down at start: set-up is retried in the background, the service stays up (not ready).
    const setUp = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          await rt.admin.ensureTopics(topics.map((topic) => ({ topic })));
          this.handler.setLiveStart(await this.recordLiveStart());
          await consumer.start();
          await this.rebuilds.resumeUnfinished();
          return;
        } catch (error) {
          log.warn({ err: String(error), attempt }, 'Kafka set-up failed; retrying');
          await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
        }
      }
    };
    void setUp();
    // The runtime closes the database on SIGTERM before Nest's shutdown hooks run: a tick after that is skipped.
    const whileUp = (work: () => Promise<unknown>) => () => (rt.dataSource.isInitialized ? work() : Promise.resolve());
    const onError = (job: string) => (e: unknown) =>
      log.error({ err: e instanceof Error ? e.message : String(e), job }, 'background job failed; retrying next tick');
    this.loops.push(
      new Loop(
        this.config.NOTIFICATIONS_SWEEP_INTERVAL_MS,
        whileUp(() => this.sweeps.sweepAll(this.clock())),
        onError('sweep'),
      ),
    );
    if (this.config.NOTIFICATIONS_DISPATCH_ENABLED) {
      this.loops.push(
        new Loop(
          this.config.NOTIFICATIONS_DISPATCH_INTERVAL_MS,
          whileUp(async () => {
            await this.sweeps.batchAll(this.clock());
            return this.dispatcher.dispatchAll(this.clock);
          }),
          onError('dispatch'),
        ),
      );
    } else {
      log.warn({}, 'NOTIFICATIONS_DISPATCH_ENABLED=false: deliveries are queued, nothing is sent');
    }
    for (const loop of this.loops) loop.start();
    // The runtime's shutdown (run on SIGTERM before Nest's own hooks) closes the database after its consumers. The
    // loops must finish first: a message sent after the close could not be marked sent, and would go out again
    // when its lease expired. So the runtime's shutdown is wrapped to stop them before it runs.
    const runtimeShutdown = rt.shutdown.bind(rt);
    rt.shutdown = async () => {
      await this.stopLoops();
      await runtimeShutdown();
    };
  }

  private async recordLiveStart(): Promise<LiveStart> {
    const admin = this.runtime.kafka.admin();
    await admin.connect();
    try {
      return await new LiveStartStore(this.runtime.dataSource, this.runtime.schema).recordOnce(admin, INPUT_TOPICS);
    } finally {
      await admin.disconnect();
    }
  }

  private async stopLoops(): Promise<void> {
    this.dispatcher.stop();
    await Promise.all(this.loops.map((l) => l.stop()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stopLoops();
  }
}

function handlerFactory(rt: ServiceRuntime, readModels: ReadModelStore, decisions: EventDecisions) {
  return (options: HandlerOptions) =>
    new NotificationEventsHandler(
      rt.dataSource,
      rt.schema,
      readModels,
      decisions,
      options,
      (topic) => new DeadLetterPublisher(rt.producer, { consumerGroup: EVENTS_GROUP, topic }),
      rt.config.logger,
    );
}
