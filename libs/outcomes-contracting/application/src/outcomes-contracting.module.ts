import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { deadLetterTopic, FINANCE_PAYOUTS_TOPIC } from '@tutoring/shared/contracts';
import { AuditModule } from '@tutoring/shared/audit';
import { DeadLetterPublisher } from '@tutoring/shared/messaging';
import { ServiceRuntime, SERVICE_RUNTIME } from '@tutoring/shared/runtime';
import { ContractsService } from './contracts/contracts.service';
import { FACT_TOPICS, FACTS_CONSUMER, FactsConsumer } from './facts/facts.consumer';
import { ContractsController } from './http/contracts.controller';
import { StatementsController } from './http/statements.controller';
import { StatementsService } from './statements/statements.service';

/**
 * Wires outcomes-contracting: HTTP (contracts, statements, approval, disputes, what-if, the audit log of money
 * changes for district admins) and the facts consumer
 * (ledger entries, assessments, scheduled occurrences). Kafka may be down at start: topic set-up and the
 * consumer start are retried in the background; the service stays up (not ready) meanwhile.
 */
@Module({
  imports: [AuditModule],
  controllers: [ContractsController, StatementsController],
  providers: [
    {
      provide: ContractsService,
      inject: [SERVICE_RUNTIME],
      useFactory: (rt: ServiceRuntime) => new ContractsService(rt.dataSource, rt.schema),
    },
    {
      provide: StatementsService,
      inject: [SERVICE_RUNTIME],
      useFactory: (rt: ServiceRuntime) => new StatementsService(rt.dataSource, rt.schema),
    },
  ],
})
export class OutcomesContractingModule implements OnApplicationBootstrap {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  onApplicationBootstrap(): void {
    const rt = this.runtime;
    const log = rt.config.logger;
    const consumer = rt.consumer({
      groupId: FACTS_CONSUMER,
      topics: FACT_TOPICS,
      fromBeginning: true,
      handler: new FactsConsumer(
        rt.dataSource,
        rt.schema,
        (topic) => new DeadLetterPublisher(rt.producer, { consumerGroup: FACTS_CONSUMER, topic }),
        log,
      ),
    });
    const topics = [...FACT_TOPICS, ...FACT_TOPICS.map(deadLetterTopic), FINANCE_PAYOUTS_TOPIC];
    const setUp = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          await rt.admin.ensureTopics(topics.map((topic) => ({ topic })));
          await consumer.start();
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
