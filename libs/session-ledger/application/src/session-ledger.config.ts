import { Module } from '@nestjs/common';
import { int, loadConfigOrExit, type ConfigOf } from '@tutoring/shared/service-kit';
import { dosageWarningsConfigSchema } from './dosage-warnings/dosage-warnings.config';

/**
 * session-ledger's own throughput settings (README configuration table), validated at start-up like every other
 * variable: a value out of range stops the service with the variable's name and the reason (exit 78), instead of a
 * projector asked for batches of 0 or NaN entries that would never advance.
 */
export const sessionLedgerConfigSchema = {
  /**
   * Ledger entries per live projection transaction; batches double while a backlog drains, up to 25,000 (the
   * rebuild's batch, ADR 0014).
   */
  PROJECTION_BATCH_SIZE: int({ min: 1, max: 25_000, default: 2_000 }),
  /** Vendor-topic partitions ingested at the same time, each still in order (ADR 0015). */
  INGEST_PARTITIONS_CONCURRENTLY: int({ min: 1, max: 64, default: 3 }),
  /** Kafka fetch sizes of the sessions consumer: bigger chunks per ingest transaction (ADR 0015). */
  INGEST_FETCH_MAX_BYTES_PER_PARTITION: int({ min: 65_536, max: 67_108_864, default: 2 * 1024 * 1024 }),
  INGEST_FETCH_MAX_BYTES: int({ min: 65_536, max: 268_435_456, default: 16 * 1024 * 1024 }),
};

/** Every variable session-ledger reads besides the common ones: checked with them when the service starts. */
export const sessionLedgerVariables = { ...sessionLedgerConfigSchema, ...dosageWarningsConfigSchema };

export type SessionLedgerConfig = ConfigOf<typeof sessionLedgerConfigSchema>;

export const SESSION_LEDGER_CONFIG = Symbol('SESSION_LEDGER_CONFIG');

export const loadSessionLedgerConfig = (
  env: Record<string, string | undefined> = process.env,
  options: Parameters<typeof loadConfigOrExit>[2] = {},
): SessionLedgerConfig => loadConfigOrExit(sessionLedgerConfigSchema, env, options);

/** Provides SESSION_LEDGER_CONFIG, read once when the service starts, to the ingest and projection modules. */
@Module({
  providers: [{ provide: SESSION_LEDGER_CONFIG, useFactory: () => loadSessionLedgerConfig() }],
  exports: [SESSION_LEDGER_CONFIG],
})
export class SessionLedgerConfigModule {}
