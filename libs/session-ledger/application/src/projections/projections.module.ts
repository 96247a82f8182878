import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServiceRuntime, SERVICE_RUNTIME } from '@tutoring/shared/runtime';
import { DosageQueries, LedgerProjector } from '@tutoring/session-ledger/infrastructure';
import { DosageController } from './dosage.controller';
import { SESSION_LEDGER_CONFIG, SessionLedgerConfigModule, type SessionLedgerConfig } from '../session-ledger.config';

/**
 * Dosage and payment read models: runs the projector loop (per district, checkpoint in the same transaction as the
 * rows) for the life of the service, and serves the read routes. A rebuild is `LedgerProjector.rebuild()`
 * (blue/green into the other slot while this loop keeps the active one current).
 */
@Module({
  imports: [SessionLedgerConfigModule],
  controllers: [DosageController],
  providers: [
    {
      provide: LedgerProjector,
      inject: [SERVICE_RUNTIME, SESSION_LEDGER_CONFIG],
      useFactory: (rt: ServiceRuntime, config: SessionLedgerConfig) =>
        new LedgerProjector(rt.dataSource, rt.schema, {
          batchSize: config.PROJECTION_BATCH_SIZE,
          logger: { info: (o, msg) => rt.config.logger.info(o, msg), warn: (o, msg) => rt.config.logger.warn(o, msg) },
        }),
    },
    {
      provide: DosageQueries,
      inject: [SERVICE_RUNTIME],
      useFactory: (rt: ServiceRuntime) => new DosageQueries(rt.schema),
    },
  ],
  exports: [LedgerProjector, DosageQueries],
})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(LedgerProjector) private readonly projector: LedgerProjector) {}

  onApplicationBootstrap(): void {
    this.projector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector.stop();
  }
}
