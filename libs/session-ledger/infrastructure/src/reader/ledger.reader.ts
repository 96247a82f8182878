import type { EntityManager } from 'typeorm';
import type { StoredLedgerRow } from '@tutoring/session-ledger/domain';

/**
 * Where a reader stands. Entries are consumed in (writer's transaction id, position) order:
 * - every entry of a transaction below `horizon` has been consumed, unless the transaction is listed in `pending`
 *   (it was still running when the horizon passed it, and may yet commit entries);
 * - `done` lists transactions at or above the horizon already consumed in full (after a cut batch, and in
 *   checkpoints written before `pending` existed);
 * - `partial` is the transaction a size-limited batch stopped inside, with the last position consumed.
 *
 * The horizon follows the snapshot's xmax, not its xmin: a transaction left open elsewhere (an idle session, a long
 * report, another service on the same cluster) waits in `pending` instead of holding the horizon down, so a read
 * never walks again over the entries consumed since it began.
 */
export interface ReaderCheckpoint {
  /** xid8 as a decimal string. */
  horizon: string;
  pending: string[];
  done: string[];
  partial: { transactionId: string; position: number } | null;
  /** Last position consumed (informational). */
  position: number;
}

/** What a read's snapshot says about writers: every one below `xmax` has finished, except those `running`. */
export interface ReadSnapshot {
  xmax: string;
  running: string[];
}

export const READER_START: ReaderCheckpoint = { horizon: '0', pending: [], done: [], partial: null, position: 0 };

export interface ReadLedgerRow extends StoredLedgerRow {
  transactionId: string;
  startedAt: string | null;
}

/** A ledger entry as stored, in reader order. */
export interface WholeLedgerRow {
  position: number;
  transactionId: string;
  streamVersion: number;
  districtId: string;
  vendorId: string;
  eventId: string;
  eventType: string;
  data: unknown;
  metadata: Record<string, unknown>;
  verdicts: unknown;
  localDate: string | null;
  /** RFC 3339, UTC, milliseconds. */
  recordedAt: string;
}

/** The snapshot columns every row of a read carries (see `pick`). */
interface RawSnapshot {
  xmax: string;
  running: string[];
}

interface RawWhole extends RawSnapshot {
  position: string | null;
  tx: string;
  stream_version: number;
  district_id: string;
  vendor_id: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  verdicts: unknown;
  local_date: string | null;
  recorded_at: string;
}

interface Raw extends RawSnapshot {
  position: string | null;
  stream_version: number;
  tx: string;
  district_id: string;
  vendor_id: string;
  session_id: string;
  event_type: string;
  tutor_id: string | null;
  group_id: string | null;
  attendance: unknown;
  verdicts: unknown;
  local_date: string | null;
  started_at: string | null;
}

const big = (x: string): bigint => BigInt(x);
const maxOf = (a: string, b: string): string => (big(a) > big(b) ? a : b);

const ascending = (xs: Iterable<string>): string[] => [...new Set(xs)].sort((a, b) => (big(a) < big(b) ? -1 : 1));

/**
 * The checkpoint after consuming `rows`, read in (transaction id, position) order in the snapshot `snap`: the pending
 * transactions' entries in full, then those at or above the horizon, at most `limit` of them. Pure: unit-tested, and
 * the only place the rule lives.
 *
 * - Not cut (fewer than `limit` entries at or above the horizon): every visible entry the checkpoint had not
 *   consumed is in `rows`. Every writer below the snapshot's xmax has finished except those running, so the horizon
 *   moves up to the xmax, and the running ones that may still bring entries (at or above the old horizon, or already
 *   pending) are pending.
 * - Cut inside transaction T: the horizon moves up to T only (T is partial), with the writers still running below
 *   it pending. A pending transaction is never cut (it is one writer's transaction, read whole), so the one partial
 *   transaction a checkpoint keeps is always at its horizon.
 */
export const advanceCheckpoint = (
  cp: ReaderCheckpoint,
  rows: readonly { transactionId: string; position: number }[],
  snap: ReadSnapshot,
  limit: number,
): ReaderCheckpoint => {
  const position = rows[rows.length - 1]?.position ?? cp.position;
  const candidate = (tx: string): boolean => big(tx) >= big(cp.horizon) || cp.pending.includes(tx);
  const inRange = rows.filter((r) => big(r.transactionId) >= big(cp.horizon));
  const last = inRange[inRange.length - 1];
  if (!(inRange.length >= limit && last)) {
    const horizon = maxOf(cp.horizon, snap.xmax);
    // Visible writers are all below the xmax, so nothing consumed stays at or above the horizon; kept the general
    // way all the same (`done`), which costs nothing when it is empty.
    const consumed = [
      ...cp.done,
      ...(cp.partial ? [cp.partial.transactionId] : []),
      ...rows.map((r) => r.transactionId),
    ];
    return {
      horizon,
      pending: ascending(snap.running.filter((tx) => big(tx) < big(horizon) && candidate(tx))),
      done: ascending(consumed.filter((tx) => big(tx) >= big(horizon))),
      partial: null,
      position,
    };
  }
  const cut = last.transactionId;
  return {
    horizon: cut,
    pending: ascending(snap.running.filter((tx) => big(tx) < big(cut) && candidate(tx))),
    done: ascending(cp.done.filter((tx) => big(tx) > big(cut))),
    partial: { transactionId: cut, position: last.position },
    position,
  };
};

/** The snapshot a read was made in, from the columns every row of it carries (`pick` always returns one row). */
const snapshotOf = (raw: readonly RawSnapshot[]): ReadSnapshot => {
  const first = raw[0];
  if (!first) throw new Error('a ledger read returned no snapshot row');
  return { xmax: first.xmax, running: first.running };
};

/** Parameters $1–$6 of every read of what a checkpoint has not consumed (see `NOT_CONSUMED_IN_RANGE`, `pendingEntries`). */
const checkpointParams = (districtId: string, cp: ReaderCheckpoint): unknown[] => [
  districtId,
  cp.horizon,
  cp.done,
  cp.partial?.transactionId ?? '0',
  cp.partial?.position ?? 0,
  cp.pending,
];

/** Entries `k` at or above the horizon that the checkpoint has not consumed. */
const NOT_CONSUMED_IN_RANGE = `k.district_id = $1 AND k.transaction_id >= $2::xid8 AND k.transaction_id <> ALL($3::xid8[])
  AND NOT (k.transaction_id = $4::xid8 AND k.position <= $5::bigint)`;

/**
 * The pending transactions' entries, each transaction looked up by its key (`OFFSET 0` keeps that a probe per
 * transaction; as `= ANY` with sorting off it became a filter on a scan of the district's whole ledger).
 */
const pendingEntries = (schema: string): string =>
  `SELECT k.transaction_id, k.position FROM unnest($6::xid8[]) AS p(tx)
    CROSS JOIN LATERAL (SELECT k.transaction_id, k.position FROM ${schema}.ledger_entries k
                         WHERE k.district_id = $1 AND k.transaction_id = p.tx OFFSET 0) k`;

/**
 * Follows one district's ledger without ever skipping an entry whose transaction commits late. Positions come from
 * a sequence, so a transaction holding position 7 may commit after one holding 8; a reader ordered by position
 * alone would pass 7 for good. This reader orders by (transaction id, position) and keeps a horizon below which
 * every transaction's entries are consumed, except those of the transactions still running when it passed them
 * (pending). A long transaction elsewhere (a report, an idle session, another service on the same cluster) therefore
 * neither delays it, nor makes it read again what it consumed meanwhile, nor makes it lose an entry: entries of
 * transactions that commit later are picked up when they become visible.
 */
export class LedgerReader {
  constructor(private readonly schema: string) {}

  /** Must run inside the district's tenant transaction. */
  async readBatch(
    m: EntityManager,
    districtId: string,
    cp: ReaderCheckpoint,
    limit: number,
  ): Promise<{ rows: ReadLedgerRow[]; next: ReaderCheckpoint }> {
    // Only the fields the projection reads; the start time only where no local date was recorded.
    const raw = (await this.pick(
      m,
      `l.position, l.stream_version, l.transaction_id::text AS tx, l.district_id, l.vendor_id,
                l.data->>'sessionId' AS session_id, l.event_type, l.data->>'tutorId' AS tutor_id,
                l.data->>'groupId' AS group_id, l.data->'attendance' AS attendance, l.verdicts,
                l.local_date::text AS local_date,
                CASE WHEN l.local_date IS NULL THEN l.data->>'startedAt' END AS started_at`,
      districtId,
      cp,
      limit,
    )) as Raw[];
    const rows: ReadLedgerRow[] = [];
    for (const r of raw) {
      if (r.position === null) continue;
      rows.push({
        position: Number(r.position),
        streamVersion: r.stream_version,
        transactionId: r.tx,
        districtId: r.district_id,
        vendorId: r.vendor_id,
        sessionId: r.session_id,
        eventType: r.event_type,
        data: { tutorId: r.tutor_id, groupId: r.group_id, attendance: r.attendance },
        verdicts: r.verdicts,
        localDate: r.local_date,
        startedAt: r.started_at,
      });
    }
    return { rows, next: advanceCheckpoint(cp, rows, snapshotOf(raw), limit) };
  }

  /**
   * The next entries after `cp`, whole (data, metadata, time recorded): what the ledger publisher turns into the
   * events other services and the vendor receive. Same order and checkpoint rule as `readBatch`.
   */
  async readEntries(
    m: EntityManager,
    districtId: string,
    cp: ReaderCheckpoint,
    limit: number,
  ): Promise<{ rows: WholeLedgerRow[]; next: ReaderCheckpoint }> {
    const raw = (await this.pick(
      m,
      `l.position, l.stream_version, l.transaction_id::text AS tx, l.district_id, l.vendor_id, l.event_id,
                l.event_type, l.data, l.metadata, l.verdicts, l.local_date::text AS local_date,
                to_char(l.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`,
      districtId,
      cp,
      limit,
    )) as RawWhole[];
    const rows: WholeLedgerRow[] = [];
    for (const r of raw) {
      if (r.position === null) continue;
      rows.push({
        position: Number(r.position),
        transactionId: r.tx,
        streamVersion: r.stream_version,
        districtId: r.district_id,
        vendorId: r.vendor_id,
        eventId: r.event_id,
        eventType: r.event_type,
        data: r.data,
        metadata: r.metadata,
        verdicts: r.verdicts,
        localDate: r.local_date,
        recordedAt: r.recorded_at,
      });
    }
    return { rows, next: advanceCheckpoint(cp, rows, snapshotOf(raw), limit) };
  }

  /**
   * One statement, so the snapshot (xmax, running writers) and the rows agree. Two branches, both read from the
   * (district_id, transaction_id, position) index: the transactions at or above the horizon, a range scan in index
   * order that starts where the last read ended and stops at the batch size, and each pending transaction in full,
   * looked up by its key (`pendingEntries`).
   * The order is on the table's columns (an output column named transaction_id would be sorted as text, and 10000
   * sorts before 9999). Sorting is off for this one statement: with statistics that predate a backlog, the planner
   * would otherwise fetch and sort the whole backlog on every batch (quadratic catch-up); what is left to sort is a
   * batch plus the pending transactions' entries. Only these rows are fetched whole, with the columns `select` names
   * (of `l`).
   */
  private async pick(
    m: EntityManager,
    select: string,
    districtId: string,
    cp: ReaderCheckpoint,
    limit: number,
  ): Promise<unknown[]> {
    await m.query(`SET LOCAL enable_sort = off`);
    const raw = (await m.query(
      `WITH s AS (SELECT pg_current_snapshot() AS snap)
       SELECT pg_snapshot_xmax(s.snap)::text AS xmax,
              ARRAY(SELECT x::text FROM pg_snapshot_xip(s.snap) x) AS running, e.*
         FROM s LEFT JOIN LATERAL (
         SELECT ${select}
           FROM ((SELECT k.transaction_id, k.position FROM ${this.schema}.ledger_entries k
                   WHERE ${NOT_CONSUMED_IN_RANGE}
                   ORDER BY k.transaction_id, k.position
                   LIMIT $7)
                 UNION ALL
                 (${pendingEntries(this.schema)})) o
           JOIN ${this.schema}.ledger_entries l ON l.position = o.position
          ORDER BY o.transaction_id, o.position) e ON true`,
      [...checkpointParams(districtId, cp), limit],
    )) as unknown[];
    await m.query(`SET LOCAL enable_sort = on`);
    return raw;
  }

  /**
   * Committed entries the checkpoint has not consumed yet (follower lag), in the district's tenant transaction: those
   * at or above the horizon not consumed, and the pending transactions' entries, probed by key as `pick` does.
   */
  async lag(m: EntityManager, districtId: string, cp: ReaderCheckpoint): Promise<number> {
    const rows = (await m.query(
      `SELECT (SELECT count(*) FROM ${this.schema}.ledger_entries k WHERE ${NOT_CONSUMED_IN_RANGE})
            + (SELECT count(*) FROM (${pendingEntries(this.schema)}) p) AS n`,
      checkpointParams(districtId, cp),
    )) as { n: string }[];
    return Number(rows[0]?.n ?? 0);
  }

  /** Districts that have ledger entries (ids only; maintained by a trigger on the ledger). */
  async districts(m: EntityManager): Promise<string[]> {
    const rows = (await m.query(`SELECT district_id FROM ${this.schema}.ledger_districts ORDER BY district_id`)) as {
      district_id: string;
    }[];
    return rows.map((r) => r.district_id);
  }
}
