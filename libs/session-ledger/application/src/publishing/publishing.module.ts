import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServiceRuntime, SERVICE_RUNTIME } from '@tutoring/shared/runtime';
import { LedgerPublisher } from './ledger-publisher';

/** Runs the ledger publisher (vendor feedback and ledger events of every recorded entry) for the life of the service. */
@Module({
  providers: [
    {
      provide: LedgerPublisher,
      inject: [SERVICE_RUNTIME],
      useFactory: (rt: ServiceRuntime) =>
        new LedgerPublisher(rt.dataSource, rt.schema, rt.producer, { logger: rt.config.logger }),
    },
  ],
  exports: [LedgerPublisher],
})
export class PublishingModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(LedgerPublisher) private readonly publisher: LedgerPublisher) {}

  onApplicationBootstrap(): void {
    this.publisher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.stop();
  }
}
