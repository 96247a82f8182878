import type { DataSource, EntityManager } from 'typeorm';
import { localDateIn, projectBatch, projectedEntryOf, ProjectedEntry } from '@tutoring/session-ledger/domain';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { ProjectionSlot } from '../migrations/1700000000301-projections.migration';
import { LedgerReader, ReadLedgerRow } from '../reader/ledger.reader';
import { SessionProjectionStore } from './session-projection.store';

export interface ProjectorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface LedgerProjectorOptions {
  batchSize?: number;
  idleMs?: number;
  logger?: ProjectorLogger;
}

/** Live batches hold this shared; the blue/green flip takes it exclusively, so no batch straddles a flip. */
const SLOT_LOCK = "hashtext('session_ledger.proj_slots')";

/**
 * Keeps the dosage and payment read models up to date with the ledger: per district, inside that district's tenant
 * transaction, reads the next entries after the slot's checkpoint (gap-free reader), folds them with the pure
 * projection, writes the rows and the new checkpoint in the same transaction. Replaying an entry is therefore
 * impossible (the checkpoint moved with the rows) and skipping one too (the reader never passes a late commit).
 * Several replicas may run it: a per-district advisory lock serialises them.
 */
export class LedgerProjector {
  readonly reader: LedgerReader;
  readonly store: SessionProjectionStore;
  private readonly batchSize: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly options: LedgerProjectorOptions = {},
  ) {
    this.reader = new LedgerReader(schema);
    this.store = new SessionProjectionStore(schema);
    this.batchSize = options.batchSize ?? 2000;
  }

  async districts(): Promise<string[]> {
    return this.reader.districts(this.dataSource.manager);
  }

  /**
   * One batch of one district into `target` (the active slot when omitted). Returns how many entries it applied.
   * A rebuild passes its slot explicitly; side effects (events to other services) are never produced on that path.
   */
  async projectDistrict(districtId: string, target?: ProjectionSlot): Promise<number> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      if (!target) await m.query(`SELECT pg_advisory_xact_lock_shared(${SLOT_LOCK})`);
      const slot = target ?? (await this.store.activeSlot(m));
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`session_ledger.proj:${districtId}:${slot}`]);
      const after = await this.store.checkpoint(m, districtId, slot);
      const { rows, next } = await this.reader.readBatch(m, districtId, after, this.batchSize);
      if (rows.length === 0) {
        // Nothing new, but the horizon may have moved up: keeps the consumed set small.
        if (next.horizon !== after.horizon)
          await this.store.apply(m, districtId, slot, projectBatch(new Map(), []), next);
        return 0;
      }
      const entries = await this.toEntries(m, districtId, rows);
      const keys = [
        ...new Map(
          entries.map((e) => [`${e.vendorId}/${e.sessionId}`, { vendorId: e.vendorId, sessionId: e.sessionId }]),
        ).values(),
      ];
      const before = await this.store.loadSessions(m, districtId, slot, keys);
      await this.store.apply(m, districtId, slot, projectBatch(before, entries), next);
      return rows.length;
    });
  }

  /** Committed entries of a district that the active slot has not consumed yet. */
  async lag(districtId: string): Promise<number> {
    return inTenantTransaction(this.dataSource, districtId, async (m) =>
      this.reader.lag(m, districtId, await this.store.checkpoint(m, districtId, await this.store.activeSlot(m))),
    );
  }

  /** Every district until caught up with what is committed now; returns entries applied. */
  async catchUp(target?: ProjectionSlot): Promise<number> {
    let total = 0;
    for (const districtId of await this.districts()) {
      for (;;) {
        const n = await this.projectDistrict(districtId, target);
        total += n;
        if (n === 0) break; // a short batch is not proof of the end (e.g. a batch cut inside one transaction)
      }
    }
    return total;
  }

  /**
   * Blue/green rebuild: empties the inactive slot, replays the whole ledger into it from position 0 while the live
   * projector keeps the active slot current, catches up once more and flips. Reads and live batches move to the new
   * slot from its own checkpoint, so nothing is skipped or counted twice around the flip.
   */
  async rebuild(): Promise<{ entries: number; ms: number; slot: ProjectionSlot }> {
    const started = process.hrtime.bigint();
    const active = await this.store.activeSlot(this.dataSource.manager);
    const slot: ProjectionSlot = active === 'a' ? 'b' : 'a';
    await this.dataSource.query(`UPDATE ${this.schema}.proj_slots SET rebuilding = $1 WHERE projection = 'sessions'`, [
      slot,
    ]);
    for (const districtId of await this.districts()) {
      await inTenantTransaction(this.dataSource, districtId, (m) => this.store.clearSlot(m, districtId, slot));
    }
    let entries = await this.catchUp(slot);
    await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(${SLOT_LOCK})`);
      await m.query(
        `UPDATE ${this.schema}.proj_slots SET active = $1, rebuilding = NULL, swapped_at = now() WHERE projection = 'sessions'`,
        [slot],
      );
    });
    entries += await this.catchUp(slot);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.options.logger?.info({ entries, ms, slot }, 'projection rebuilt and swapped in');
    return { entries, ms, slot };
  }

  /** Polls every district; a full batch is followed at once by the next. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let applied = 0;
        try {
          applied = await this.catchUp();
        } catch (error) {
          this.options.logger?.warn({ err: String(error) }, 'projection batch failed; retrying');
        }
        if (applied === 0 && this.running) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.options.idleMs ?? 100);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = null;
        }
      }
    })();
  }

  /** Finishes the batch in hand (its transaction commits or rolls back as a whole), then returns. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private async toEntries(m: EntityManager, districtId: string, rows: ReadLedgerRow[]): Promise<ProjectedEntry[]> {
    let zone: string | null = null;
    const out: ProjectedEntry[] = [];
    for (const row of rows) {
      if (!row.localDate && row.startedAt && !row.eventType.includes('.voided.')) {
        zone ??= await this.districtZone(m, districtId);
        out.push(projectedEntryOf({ ...row, localDate: localDateIn(row.startedAt, zone) }));
      } else {
        out.push(projectedEntryOf(row));
      }
    }
    return out;
  }

  private async districtZone(m: EntityManager, districtId: string): Promise<string> {
    const rows = (await m.query(`SELECT time_zone FROM ${this.schema}.ref_districts WHERE district_id = $1`, [
      districtId,
    ])) as { time_zone: string }[];
    return rows[0]?.time_zone ?? 'UTC';
  }
}
