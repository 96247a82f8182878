import type { DataSource, EntityManager } from 'typeorm';
import {
  localDateIn,
  priorStateNeeds,
  projectBatch,
  projectedEntryOf,
  ProjectedEntry,
  ProjectionBatch,
  sessionKeyOf,
  SessionRow,
} from '@tutoring/session-ledger/domain';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { ProjectionSlot } from '../migrations/1700000000301-projections.migration';
import { LedgerReader, ReadLedgerRow, ReaderCheckpoint } from '../reader/ledger.reader';
import { DERIVED_AGGREGATES, PriorStateFound, SessionProjectionStore } from './session-projection.store';

export interface ProjectorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface LedgerProjectorOptions {
  /** Entries per live batch (one tenant transaction). */
  batchSize?: number;
  /** Entries per rebuild batch: larger, since the inactive slot serves no reads while it is replayed into. */
  rebuildBatchSize?: number;
  idleMs?: number;
  logger?: ProjectorLogger;
}

/** A batch read and folded, ready to be written in the slot it was read for, from the checkpoint it was read at. */
interface Prepared {
  slot: ProjectionSlot;
  from: ReaderCheckpoint;
  next: ReaderCheckpoint;
  count: number;
  batch: ProjectionBatch;
  fresh: ReadonlySet<string>;
}

/** The slot or its checkpoint moved since a read-ahead batch was prepared: it is discarded, not written. */
class StaleBatch extends Error {
  constructor() {
    super('slot or checkpoint moved since the batch was read');
    this.name = 'StaleBatch';
  }
}

const sameCheckpoint = (a: ReaderCheckpoint, b: ReaderCheckpoint): boolean =>
  a.horizon === b.horizon &&
  a.position === b.position &&
  a.pending.length === b.pending.length &&
  a.pending.every((tx, i) => tx === b.pending[i]) &&
  a.done.length === b.done.length &&
  a.done.every((tx, i) => tx === b.done[i]) &&
  (a.partial?.transactionId ?? null) === (b.partial?.transactionId ?? null) &&
  (a.partial?.position ?? null) === (b.partial?.position ?? null);

/** Live batches hold this shared; the blue/green flip takes it exclusively, so no batch straddles a flip. */
const SLOT_LOCK = "hashtext('session_ledger.proj_slots')";
/** Held (session level, on a connection of its own) for the whole of a rebuild: one rebuild at a time. */
const REBUILD_LOCK = "hashtext('session_ledger.proj_rebuild')";

/** The advisory lock (hashtext of this key) one live projector holds per district and slot while it writes a batch. */
export const projectorLockKey = (districtId: string, slot: ProjectionSlot): string =>
  `session_ledger.proj:${districtId}:${slot}`;

/** Another process (or this one) is rebuilding the read models: a second rebuild would empty its slot under it. */
export class RebuildInProgress extends Error {
  constructor() {
    super('a rebuild of the session read models is already running');
    this.name = 'RebuildInProgress';
  }
}

export interface RebuildResult {
  entries: number;
  ms: number;
  /** The slot rebuilt and now serving reads. */
  slot: ProjectionSlot;
}

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
  private readonly rebuildBatchSize: number;
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
    this.rebuildBatchSize = options.rebuildBatchSize ?? 25_000;
  }

  async districts(): Promise<string[]> {
    return this.reader.districts(this.dataSource.manager);
  }

  /**
   * One batch of one district into `target` (the active slot when omitted), read and written in one tenant
   * transaction. Returns how many entries it applied. A rebuild passes its slot explicitly; side effects (events to
   * other services) are never produced on that path. Sessions new by their stream version are not loaded first;
   * should one turn out to have a row after all, the batch rolls back and is replayed with every session loaded.
   */
  async projectDistrict(districtId: string, target?: ProjectionSlot, limit = this.batchSize): Promise<number> {
    try {
      return await this.projectOnce(districtId, target, limit, true);
    } catch (error) {
      if (!(error instanceof PriorStateFound)) throw error;
      this.options.logger?.warn({ districtId }, 'projection batch replayed with every session loaded');
      return this.projectOnce(districtId, target, limit, false);
    }
  }

  private async projectOnce(
    districtId: string,
    target: ProjectionSlot | undefined,
    limit: number,
    trustVersions: boolean,
  ): Promise<number> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const slot = await this.lockSlot(m, districtId, target);
      const from = await this.store.checkpoint(m, districtId, slot);
      const prepared = await this.prepare(m, districtId, slot, from, limit, null, trustVersions);
      await this.write(m, districtId, prepared);
      return prepared.count;
    });
  }

  /**
   * Every committed entry of one district, batch after batch, with the next batch read and folded (on a second
   * connection, in its own tenant transaction) while the current one is written: Postgres writes one batch while
   * Node and another backend prepare the next. The read-ahead folds over the state the written batch leaves (its
   * sessions, kept in memory) and the committed rows; its write checks that slot and checkpoint are still exactly
   * the ones it was read from, so a flip, another replica or a session wrongly taken as new only costs a replay
   * through the one-transaction path. With `aggregates` off (a rebuild's replay) batches fold and write the
   * sessions only; the caller derives the aggregate rows from them afterwards.
   */
  private async drain(
    districtId: string,
    target: ProjectionSlot | undefined,
    first: number,
    aggregates = true,
  ): Promise<number> {
    let total = 0;
    let limit = first;
    let ahead = await this.readAhead(districtId, target, null, limit, aggregates);
    while (ahead.count > 0) {
      const current = ahead;
      // A full batch means a backlog: the next ones grow (up to the rebuild size) so it drains in fewer, larger
      // transactions; caught up, batches are as small as what was committed meanwhile.
      if (current.count >= limit) limit = Math.min(limit * 2, Math.max(first, this.rebuildBatchSize));
      const [written, next] = await Promise.allSettled([
        this.writePrepared(districtId, target, current),
        this.readAhead(districtId, target, current, limit, aggregates),
      ]);
      if (written.status === 'rejected') {
        if (!(written.reason instanceof StaleBatch || written.reason instanceof PriorStateFound)) throw written.reason;
        const n = await this.projectDistrict(districtId, target, limit);
        total += n;
        if (n === 0) return total;
        ahead = await this.readAhead(districtId, target, null, limit, aggregates);
        continue;
      }
      total += current.count;
      if (next.status === 'rejected') throw next.reason;
      ahead = next.value;
    }
    // Nothing new, but the horizon may have moved up: keeps the consumed set small.
    if (ahead.next.horizon !== ahead.from.horizon) {
      await this.writePrepared(districtId, target, ahead).catch((error: unknown) => {
        if (!(error instanceof StaleBatch)) throw error;
      });
    }
    return total;
  }

  private async readAhead(
    districtId: string,
    target: ProjectionSlot | undefined,
    previous: Prepared | null,
    limit: number,
    aggregates: boolean,
  ): Promise<Prepared> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const slot = previous?.slot ?? target ?? (await this.store.activeSlot(m));
      const from = previous?.next ?? (await this.store.checkpoint(m, districtId, slot));
      return this.prepare(m, districtId, slot, from, limit, previous?.batch.sessions ?? null, true, aggregates);
    });
  }

  private async writePrepared(districtId: string, target: ProjectionSlot | undefined, p: Prepared): Promise<void> {
    await inTenantTransaction(this.dataSource, districtId, async (m) => {
      const slot = await this.lockSlot(m, districtId, target);
      if (slot !== p.slot) throw new StaleBatch();
      const now = await this.store.checkpoint(m, districtId, slot);
      if (!sameCheckpoint(now, p.from)) throw new StaleBatch();
      await this.write(m, districtId, p);
    });
  }

  /**
   * Takes the locks a batch needs and returns its slot. Live batches hold the slot lock shared (the flip takes it
   * exclusively); one writer per district and slot. Read models are derived data with their checkpoint in the same
   * transaction, so a commit lost in a crash is simply projected again: no need to wait for the WAL flush.
   */
  private async lockSlot(m: EntityManager, districtId: string, target: ProjectionSlot | undefined) {
    await m.query(`SET LOCAL synchronous_commit = off`);
    if (!target) await m.query(`SELECT pg_advisory_xact_lock_shared(${SLOT_LOCK})`);
    const slot = target ?? (await this.store.activeSlot(m));
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [projectorLockKey(districtId, slot)]);
    return slot;
  }

  /**
   * Reads the entries after `from` and folds them over the sessions' prior state: `overlay` (the state a batch not
   * yet committed leaves, when reading ahead) first, then the slot's rows, loaded only for sessions that are not new
   * by their stream version unless `trustVersions` is off. Without `aggregates`, the batch's deltas stay empty.
   */
  private async prepare(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    from: ReaderCheckpoint,
    limit: number,
    overlay: ReadonlyMap<string, SessionRow | null> | null,
    trustVersions: boolean,
    aggregates = true,
  ): Promise<Prepared> {
    const { rows, next } = await this.reader.readBatch(m, districtId, from, limit);
    if (rows.length === 0) return { slot, from, next, count: 0, batch: projectBatch(new Map(), []), fresh: new Set() };
    const entries = await this.toEntries(m, districtId, rows);
    const needs = priorStateNeeds(trustVersions ? entries : entries.map(({ streamVersion: _, ...e }) => e));
    const before = new Map<string, SessionRow | null>();
    const load: { vendorId: string; sessionId: string }[] = [];
    const fresh = new Set<string>();
    for (const k of needs.load) {
      const key = sessionKeyOf(k.vendorId, k.sessionId);
      if (overlay?.has(key)) before.set(key, overlay.get(key) ?? null);
      else load.push(k);
    }
    for (const key of needs.fresh) {
      if (overlay?.has(key)) before.set(key, overlay.get(key) ?? null);
      else fresh.add(key);
    }
    for (const [key, row] of await this.store.loadSessions(m, districtId, slot, load)) before.set(key, row);
    return { slot, from, next, count: rows.length, batch: projectBatch(before, entries, { aggregates }), fresh };
  }

  private async write(m: EntityManager, districtId: string, p: Prepared): Promise<void> {
    if (p.count > 0) await this.store.apply(m, districtId, p.slot, p.batch, p.next, p.fresh);
    else if (p.next.horizon !== p.from.horizon) await this.store.writeCheckpoint(m, districtId, p.slot, p.next);
  }

  /** Committed entries of a district that the active slot has not consumed yet. */
  async lag(districtId: string): Promise<number> {
    return inTenantTransaction(this.dataSource, districtId, async (m) =>
      this.reader.lag(m, districtId, await this.store.checkpoint(m, districtId, await this.store.activeSlot(m))),
    );
  }

  /** Every district until caught up with what is committed now; returns entries applied. */
  async catchUp(target?: ProjectionSlot, limit = this.batchSize): Promise<number> {
    let total = 0;
    for (const districtId of await this.districts()) {
      // Until a batch comes back empty: a short batch is not proof of the end (e.g. a batch cut inside one transaction).
      total += await this.drain(districtId, target, limit);
    }
    return total;
  }

  /**
   * Blue/green rebuild: empties the inactive slot, replays the whole ledger into it from position 0 while the live
   * projector keeps the active slot current, catches up once more and flips. Reads and live batches move to the new
   * slot from its own checkpoint, so nothing is skipped or counted twice around the flip. One rebuild at a time,
   * across replicas and processes: the lock lives as long as the rebuild's own connection, so a rebuild whose
   * process dies frees it (the half-built slot is inactive, and the next rebuild empties it first).
   */
  async rebuild(): Promise<RebuildResult> {
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      const got = (await lock.query(`SELECT pg_try_advisory_lock(${REBUILD_LOCK}) AS ok`)) as { ok: boolean }[];
      if (!got[0]?.ok) throw new RebuildInProgress();
      try {
        return await this.rebuildLocked();
      } finally {
        await lock.query(`SELECT pg_advisory_unlock(${REBUILD_LOCK})`);
      }
    } finally {
      await lock.release();
    }
  }

  private async rebuildLocked(): Promise<RebuildResult> {
    const started = process.hrtime.bigint();
    const active = await this.store.activeSlot(this.dataSource.manager);
    const slot: ProjectionSlot = active === 'a' ? 'b' : 'a';
    await this.dataSource.query(`UPDATE ${this.schema}.proj_slots SET rebuilding = $1 WHERE projection = 'sessions'`, [
      slot,
    ]);
    const districts = await this.districts();
    this.options.logger?.info({ slot, districts: districts.length }, 'projection rebuild started');
    for (const districtId of districts) {
      await inTenantTransaction(this.dataSource, districtId, (m) => this.store.clearSlot(m, districtId, slot));
    }
    let entries = 0;
    for (const districtId of districts) {
      // Sessions first, batch by batch; then each aggregate row once, summed from them (ADR 0023). Until then the
      // slot's aggregates lag its checkpoint: nothing reads an inactive slot, and a rebuild that dies leaves it
      // inactive, to be emptied by the next one.
      const replayed = await this.drain(districtId, slot, this.rebuildBatchSize, false);
      this.options.logger?.info({ districtId, entries: replayed }, 'district replayed into the rebuilt slot');
      const deriving = process.hrtime.bigint();
      await this.deriveAggregates(districtId, slot);
      const ms = Math.round(Number(process.hrtime.bigint() - deriving) / 1e6);
      this.options.logger?.info({ districtId, ms }, 'aggregate rows derived from the replayed sessions');
      entries += replayed;
    }
    // What was committed during the replay, including districts that had no entry when it began.
    entries += await this.catchUp(slot, this.rebuildBatchSize);
    await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(${SLOT_LOCK})`);
      await m.query(
        `UPDATE ${this.schema}.proj_slots SET active = $1, rebuilding = NULL, swapped_at = now() WHERE projection = 'sessions'`,
        [slot],
      );
    });
    entries += await this.catchUp(slot, this.rebuildBatchSize);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.options.logger?.info({ entries, ms, slot }, 'projection rebuilt and swapped in');
    return { entries, ms, slot };
  }

  /**
   * A rebuild's aggregate rows of one district, from the session rows it replayed: the three aggregates side by side,
   * each in a transaction of its own (no per-district slot lock, which would queue them: the rebuild lock already
   * keeps every other writer off the slot being rebuilt).
   */
  private async deriveAggregates(districtId: string, slot: ProjectionSlot): Promise<void> {
    const derived = await Promise.allSettled(
      DERIVED_AGGREGATES.map((aggregate) =>
        inTenantTransaction(this.dataSource, districtId, async (m) => {
          await m.query(`SET LOCAL synchronous_commit = off`);
          await this.store.deriveAggregate(m, districtId, slot, aggregate);
        }),
      ),
    );
    // All three have ended (committed or rolled back) before a failure frees the rebuild lock for the next rebuild.
    for (const d of derived) if (d.status === 'rejected') throw d.reason;
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
