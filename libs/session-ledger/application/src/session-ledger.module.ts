import { Inject, MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DeadLetterPublisher } from '@tutoring/shared/messaging';
import { AuditModule } from '@tutoring/shared/audit';
import { ServiceRuntime, SERVICE_RUNTIME } from '@tutoring/shared/runtime';
import { deadLetterTopic, ENROLLMENT_VENDORS_TOPIC, LEDGER_TOPIC } from '@tutoring/shared/contracts';
import { SessionIngestService } from './ingest/session-ingest.service';
import { LedgerController } from './ledger/ledger.controller';
import { VendorRegistry } from './vendors/vendor-registry';
import { REFERENCE_TOPICS, ReferenceEventsHandler } from './reference/reference-events.handler';
import { HttpIngestController } from './http-ingest/http-ingest.controller';
import { HttpIngestService } from './http-ingest/http-ingest.service';
import { CsvBodyMiddleware } from './http-ingest/csv-body.middleware';
import { ProjectionsModule } from './projections/projections.module';
import { BatchSessionsTopicHandler, SessionBatchIngest } from './ingest/batch';
import { DosageWarningsModule } from './dosage-warnings/dosage-warnings.module';
import { PublishingModule } from './publishing/publishing.module';
import { SESSION_LEDGER_CONFIG, SessionLedgerConfigModule, type SessionLedgerConfig } from './session-ledger.config';

export const INGEST_GROUP = 'session-ledger.ingest';
export const VENDORS_GROUP = 'session-ledger.vendors';
export const REFERENCE_GROUP = 'session-ledger.reference';
export const HTTP_INGEST_GROUP = 'session-ledger.http-ingest';

/**
 * Wires ingest: the vendors consumer keeps the list of sessions topics, the ingest consumer reads them all.
 * Consumers start after the HTTP server is up and stop (finish batch, commit, leave group) on SIGTERM via the runtime.
 */
@Module({
  imports: [AuditModule, SessionLedgerConfigModule, ProjectionsModule, DosageWarningsModule, PublishingModule],
  controllers: [LedgerController, HttpIngestController],
  providers: [
    {
      provide: SessionIngestService,
      inject: [SERVICE_RUNTIME],
      useFactory: (rt: ServiceRuntime) => new SessionIngestService(rt.dataSource, rt.schema, randomUUID),
    },
    {
      provide: HttpIngestService,
      inject: [SERVICE_RUNTIME, SessionIngestService],
      useFactory: (rt: ServiceRuntime, ingest: SessionIngestService) =>
        new HttpIngestService(
          rt.dataSource,
          rt.schema,
          ingest,
          (topic) => new DeadLetterPublisher(rt.producer, { consumerGroup: HTTP_INGEST_GROUP, topic }),
        ),
    },
  ],
  exports: [SessionIngestService],
})
export class SessionLedgerModule implements OnApplicationBootstrap, NestModule {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(SessionIngestService) private readonly ingest: SessionIngestService,
    @Inject(SESSION_LEDGER_CONFIG) private readonly config: SessionLedgerConfig,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CsvBodyMiddleware).forRoutes(HttpIngestController);
  }

  async onApplicationBootstrap(): Promise<void> {
    const rt = this.runtime;
    const log = rt.config.logger;
    const deadLetters = (group: string) => (topic: string) =>
      new DeadLetterPublisher(rt.producer, { consumerGroup: group, topic });

    const ingestConsumer = rt.consumer({
      groupId: INGEST_GROUP,
      topics: [],
      fromBeginning: true,
      // Throughput (ADR 0015): the partitions of the vendor topics are ingested concurrently (each in order, its
      // offsets committed after its own transaction) and fetched in large batches.
      partitionsConsumedConcurrently: this.config.INGEST_PARTITIONS_CONCURRENTLY,
      fetch: {
        maxBytesPerPartition: this.config.INGEST_FETCH_MAX_BYTES_PER_PARTITION,
        maxBytes: this.config.INGEST_FETCH_MAX_BYTES,
      },
      // Batched: many sessions per transaction, same rules and effects as the per-message path (ADR 0011).
      handler: new BatchSessionsTopicHandler(
        new SessionBatchIngest(rt.dataSource, rt.schema, this.ingest, randomUUID),
        deadLetters(INGEST_GROUP),
        log,
      ),
    });
    const registry = new VendorRegistry(
      rt.dataSource,
      rt.schema,
      rt.admin,
      (topics) => ingestConsumer.updateTopics(topics),
      deadLetters(VENDORS_GROUP),
      log,
    );
    const vendorsConsumer = rt.consumer({
      groupId: VENDORS_GROUP,
      topics: [ENROLLMENT_VENDORS_TOPIC],
      fromBeginning: true,
      handler: registry,
    });

    const referenceConsumer = rt.consumer({
      groupId: REFERENCE_GROUP,
      topics: REFERENCE_TOPICS,
      fromBeginning: true,
      handler: new ReferenceEventsHandler(rt.dataSource, rt.schema, deadLetters(REFERENCE_GROUP), log),
    });

    // Kafka may be down at start: topic set-up is retried in the background, the service stays up (not ready).
    const setUp = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          // The ledger owns LEDGER_TOPIC: without it the outbox relay (in order) would stall every feedback behind it.
          const referenceTopics = REFERENCE_TOPICS.flatMap((topic) => [topic, deadLetterTopic(topic)]);
          await rt.admin.ensureTopics(
            [...VendorRegistry.sharedTopics(), ...referenceTopics, LEDGER_TOPIC].map((topic) => ({ topic })),
          );
          await registry.reconcile();
          await ingestConsumer.start();
          await vendorsConsumer.start();
          await referenceConsumer.start();
          return;
        } catch (error) {
          log.warn({ err: String(error), attempt }, 'Kafka set-up failed; retrying');
          await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
        }
      }
    };
    void setUp();
  }
}
