import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DOSAGE_TOPIC } from '@tutoring/shared/contracts';
import { ServiceRuntime, SERVICE_RUNTIME } from '@tutoring/shared/runtime';
import { loadDosageWarningsConfig, type DosageWarningsConfig } from './dosage-warnings.config';
import { DosageWarningsWorker } from './dosage-warnings.worker';

const DOSAGE_WARNINGS_CONFIG = Symbol('DOSAGE_WARNINGS_CONFIG');

/**
 * Runs the dosage-warnings worker for the life of the service. The dosage topic is created first: the outbox relay
 * publishes in order, so a message for a missing topic would hold back every feedback message behind it.
 */
@Module({
  providers: [
    { provide: DOSAGE_WARNINGS_CONFIG, useFactory: () => loadDosageWarningsConfig() },
    {
      provide: DosageWarningsWorker,
      inject: [SERVICE_RUNTIME, DOSAGE_WARNINGS_CONFIG],
      useFactory: (rt: ServiceRuntime, config: DosageWarningsConfig) =>
        new DosageWarningsWorker(rt.dataSource, rt.schema, {
          graceHours: config.DOSAGE_WEEK_GRACE_HOURS,
          catchUpWeeks: config.DOSAGE_CATCHUP_WEEKS,
          intervalMs: config.DOSAGE_WARNINGS_INTERVAL_MS,
          logger: { info: (o, msg) => rt.config.logger.info(o, msg), warn: (o, msg) => rt.config.logger.warn(o, msg) },
        }),
    },
  ],
  exports: [DosageWarningsWorker],
})
export class DosageWarningsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;

  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(DOSAGE_WARNINGS_CONFIG) private readonly config: DosageWarningsConfig,
    @Inject(DosageWarningsWorker) private readonly worker: DosageWarningsWorker,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.DOSAGE_WARNINGS_ENABLED) return;
    const log = this.runtime.config.logger;
    // Kafka may be down at start: the topic is ensured in the background, the worker starts once it exists.
    void (async () => {
      for (let attempt = 1; !this.stopped; attempt++) {
        try {
          await this.runtime.admin.ensureTopics([{ topic: DOSAGE_TOPIC }]);
          if (!this.stopped) this.worker.start();
          return;
        } catch (error) {
          log.warn({ err: String(error), attempt }, 'dosage topic set-up failed; retrying');
          await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
        }
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.worker.stop();
  }
}
