import type { DataSource, EntityManager } from 'typeorm';
import {
  canonicalJson,
  checkSessionMessage,
  CheckedSessionMessage,
  decide,
  emptySessionStream,
  evolve,
  LineVerdict,
  reviewSession,
  SessionReview,
  SessionStreamRejection,
  SessionStreamState,
  streamIdOf,
  SessionUnderReview,
} from '@tutoring/session-ledger/domain';
import {
  BatchFacts,
  ConcurrencyConflict,
  isLostAppendRace,
  LedgerStore,
} from '@tutoring/session-ledger/infrastructure';
import { FieldError } from '@tutoring/shared/contracts';
import { enqueueOutbox, OutboxMessage } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import {
  Accepted,
  attendedStudents,
  CE_ID_CONFLICT,
  entryMetadata,
  feedbackExceptions,
  IngestMessages,
  NO_REVIEW,
  recordRejection,
  sessionUnderReview,
  tenantOf,
} from '../ingest-effects';
import type {
  DecodedSessionMessage,
  IngestOrigin,
  IngestOutcome,
  SessionIngestService,
} from '../session-ingest.service';
import { StageTimer } from './stage-timer';

export interface BatchItem {
  decoded: DecodedSessionMessage;
  origin: IngestOrigin;
}

interface Append {
  item: number;
  checked: Accepted;
  eventType: string;
  version: number;
  review: SessionReview;
  origin: IngestOrigin;
}

const CONSUMER = 'session-ingest';

/** The canonical JSON of an event's data, computed only if a duplicate ce_id asks for it (rare; costly per event). */
const canonicalJsonOnce = (data: unknown): (() => string) => {
  let json: string | undefined;
  return () => (json ??= canonicalJson(data));
};

/**
 * Ingest of many session events in one tenant transaction: the same checks, stream rules, billable-line review
 * and effects as SessionIngestService.ingest, message by message in order, but read with one query per kind
 * (vendor, processed refs, existing ce_ids, stream heads, reference facts) and written with one multi-row
 * statement per table (processed refs, ledger, interval index, rejections and their outbox rows). Exactly once: the
 * processed refs commit with the effects, and the Kafka offsets are committed only after the transaction.
 * Messages without a tenant (undecodable) go through the per-message path.
 */
export class SessionBatchIngest {
  private readonly ledger: LedgerStore;
  private readonly timer = StageTimer.fromEnv();
  private readonly messages: IngestMessages;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly single: SessionIngestService,
    newId: () => string,
    clock: () => Date = () => new Date(),
  ) {
    this.ledger = new LedgerStore(schema);
    this.messages = new IngestMessages(newId, clock);
  }

  async ingestBatch(items: readonly BatchItem[]): Promise<IngestOutcome[]> {
    const outcomes: IngestOutcome[] = new Array<IngestOutcome>(items.length);
    let i = 0;
    while (i < items.length) {
      const first = items[i] as BatchItem;
      const tenant = tenantOf(first.decoded, first.origin);
      if (!tenant) {
        outcomes[i] = await this.single.ingest(first.decoded, first.origin);
        i++;
        continue;
      }
      let j = i + 1;
      while (j < items.length && tenantOf((items[j] as BatchItem).decoded, (items[j] as BatchItem).origin) === tenant)
        j++;
      const run = items.slice(i, j);
      const results = await this.runWithRetry(tenant, run);
      results.forEach((r, k) => (outcomes[i + k] = r));
      i = j;
    }
    return outcomes;
  }

  private async runWithRetry(tenant: string, run: readonly BatchItem[]): Promise<IngestOutcome[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.timer.begin();
        const out = await inTenantTransaction(this.dataSource, tenant, (m) => this.run(m, tenant, run));
        this.timer.mark('commit');
        this.timer.endChunk(run.length);
        return out;
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict)) throw error;
        // Another writer (HTTP, CSV) advanced one of the streams: decide again, finally one by one.
        if (attempt >= 2) {
          const out: IngestOutcome[] = [];
          for (const item of run) out.push(await this.single.ingest(item.decoded, item.origin));
          return out;
        }
      }
    }
  }

  private async run(m: EntityManager, tenant: string, run: readonly BatchItem[]): Promise<IngestOutcome[]> {
    const s = this.schema;
    this.timer.mark('begin');
    const vendorIds = [...new Set(run.map((r) => r.origin.vendorId).filter((v): v is string => v !== null))];
    const vendorDistrict = new Map<string, string | null>();
    const elsewhere = new Map<string, boolean>();
    for (const v of vendorIds) {
      const d = await this.ledger.vendorDistrict(m, v);
      vendorDistrict.set(v, d);
      elsewhere.set(v, d ? false : await this.ledger.vendorHasTopics(m, v));
    }
    this.timer.mark('vendor');
    const checks = run.map((item): CheckedSessionMessage | null => {
      if (!item.decoded.ok) return null;
      const v = item.origin.vendorId;
      return checkSessionMessage(item.decoded.envelope, {
        topic: item.origin.topic,
        authenticatedVendorId: item.origin.authenticatedVendorId,
        vendorDistrictId: v ? (vendorDistrict.get(v) ?? null) : null,
        vendorRegisteredElsewhere: v ? (elsewhere.get(v) ?? false) : false,
      });
    });
    const ok = checks.filter((c): c is Accepted => c !== null && c.ok);
    this.timer.mark('contract');
    const events = await this.existingEvents(m, ok);
    this.timer.mark('existing');
    const streams = await this.streamHeads(m, ok);
    this.timer.mark('heads');
    // The first write of the transaction, and so where it gets its transaction id: only after the stream heads are
    // read. A stream's next version is then always written by a transaction whose id is higher than its previous
    // version's, so the followers, which read the ledger in (transaction id, position) order, see every stream in
    // version order. A writer that commits after the heads were read makes the append fail and the batch retry.
    const fresh = new Set(
      (
        (await m.query(
          `INSERT INTO ${s}.processed_messages (consumer, message_id) SELECT $1, r FROM unnest($2::text[]) r ORDER BY r
         ON CONFLICT DO NOTHING RETURNING message_id`,
          [CONSUMER, [...new Set(run.map((r) => r.origin.ref))]],
        )) as { message_id: string }[]
      ).map((r) => r.message_id),
    );

    this.timer.mark('processed');
    const reviewed = new Map<Accepted, SessionUnderReview | null>(ok.map((c) => [c, sessionUnderReview(c)]));
    const sessions = [...reviewed.values()].filter((x): x is SessionUnderReview => x !== null);
    const attended = [...new Set(sessions.flatMap(attendedStudents))];
    if (attended.length) {
      await m.query(
        `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(x, 7) AS k FROM unnest($1::text[]) x ORDER BY 1) y`,
        [attended],
      );
    }
    this.timer.mark('locks');
    const facts = await BatchFacts.load(m, s, tenant, sessions);
    this.timer.mark('facts');

    const outcomes: IngestOutcome[] = [];
    const appends: Append[] = [];
    const rejections: { index: number; sessionId: string | null; eventId: string | null; errors: FieldError[] }[] = [];
    const reject = (
      index: number,
      sessionId: string | null,
      eventId: string | null,
      errors: FieldError[],
    ): IngestOutcome => {
      if (fresh.has((run[index] as BatchItem).origin.ref)) rejections.push({ index, sessionId, eventId, errors });
      return { status: 'rejected', sessionId, eventId, errors };
    };

    run.forEach((item, index) => {
      const checked = checks[index];
      if (!item.decoded.ok || !checked) {
        const d = item.decoded as Extract<DecodedSessionMessage, { ok: false }>;
        outcomes.push(reject(index, null, d.eventId, d.errors));
        return;
      }
      if (!checked.ok) {
        outcomes.push(reject(index, checked.sessionId, item.decoded.envelope.id, checked.errors));
        return;
      }
      const eventKey = `${checked.vendorId}/${checked.eventId}`;
      const existing = events.get(eventKey);
      if (existing) {
        outcomes.push(
          existing.json() === canonicalJson(checked.data)
            ? this.duplicate(checked, existing)
            : reject(index, checked.sessionId, checked.eventId, [CE_ID_CONFLICT]),
        );
        return;
      }
      const streamKey = streamIdOf(checked.vendorId, checked.sessionId);
      const stream = streams.get(streamKey) ?? emptySessionStream;
      let recorded;
      try {
        recorded = decide({ type: 'RecordSessionEvent', data: { ...checked, payload: checked.data } }, stream);
      } catch (error) {
        if (!(error instanceof SessionStreamRejection)) throw error;
        outcomes.push(
          reject(index, checked.sessionId, checked.eventId, [
            { path: 'sessionId', code: error.code, message: error.message },
          ]),
        );
        return;
      }
      if (!fresh.has(item.origin.ref)) {
        outcomes.push(this.duplicate(checked, { position: 0, verdicts: [] }));
        return;
      }
      const session = reviewed.get(checked) ?? null;
      const review = session ? reviewSession(session, facts.for(session)) : NO_REVIEW;
      facts.replaceActiveLines(
        checked.vendorId,
        checked.sessionId,
        attendedStudents(session).map((studentId) => ({
          vendorId: checked.vendorId,
          sessionId: checked.sessionId,
          studentId,
          tutorId: (session as SessionUnderReview).tutorId,
          startsAt: (session as SessionUnderReview).startedAt,
          endsAt: (session as SessionUnderReview).endedAt,
        })),
      );
      streams.set(streamKey, recorded.reduce(evolve, stream));
      const entry = { json: canonicalJsonOnce(checked.data), position: 0, verdicts: review.verdicts };
      events.set(eventKey, entry);
      appends.push({
        item: index,
        checked,
        eventType: item.decoded.envelope.type,
        version: stream.version,
        review,
        origin: item.origin,
      });
      outcomes.push({
        status: 'accepted',
        sessionId: checked.sessionId,
        eventId: checked.eventId,
        ledgerPosition: 0,
        exceptions: feedbackExceptions(review.verdicts),
      });
    });

    this.timer.mark('decide');
    const positions = await this.appendAll(m, appends);
    this.timer.mark('append');
    for (const a of appends) {
      const position = positions.get(a.checked.eventId) ?? 0;
      const outcome = outcomes[a.item];
      if (outcome && outcome.status !== 'rejected') outcome.ledgerPosition = position;
      const e = events.get(`${a.checked.vendorId}/${a.checked.eventId}`);
      if (e) e.position = position;
    }
    // In-batch duplicates of an event appended in this batch learn its position too.
    run.forEach((item, index) => {
      const o = outcomes[index];
      const c = checks[index];
      if (o?.status === 'duplicate' && o.ledgerPosition === 0 && c?.ok)
        o.ledgerPosition = events.get(`${c.vendorId}/${c.eventId}`)?.position ?? 0;
    });
    await this.replaceActiveLines(m, appends);
    this.timer.mark('activeLines');
    await this.recordRejections(m, run, rejections, vendorDistrict, elsewhere);
    this.timer.mark('rejections');
    // The feedback and the ledger event of each appended entry are sent by the ledger publisher (ADR 0022).
    return outcomes;
  }

  private async existingEvents(m: EntityManager, ok: readonly Accepted[]) {
    const out = new Map<string, { json: () => string; position: number; verdicts: LineVerdict[] }>();
    const found = await this.ledger.findEvents(m, ok);
    for (const [key, e] of found)
      out.set(key, { json: canonicalJsonOnce(e.data), position: e.position, verdicts: e.verdicts });
    return out;
  }

  private streamHeads(m: EntityManager, ok: readonly Accepted[]): Promise<Map<string, SessionStreamState>> {
    return this.ledger.streamHeads(
      m,
      ok.map((c) => streamIdOf(c.vendorId, c.sessionId)),
    );
  }

  private async appendAll(m: EntityManager, appends: readonly Append[]): Promise<Map<string, number>> {
    const positions = new Map<string, number>();
    if (!appends.length) return positions;
    const rows = appends.map((a, n) => ({
      n,
      stream_id: streamIdOf(a.checked.vendorId, a.checked.sessionId),
      stream_version: a.version + 1,
      event_id: a.checked.eventId,
      event_type: a.eventType,
      district_id: a.checked.districtId,
      vendor_id: a.checked.vendorId,
      data: a.checked.data,
      metadata: entryMetadata(a.origin),
      verdicts: a.review.verdicts,
      local_date: a.review.localDate,
    }));
    try {
      const inserted = (await m.query(
        `INSERT INTO ${this.schema}.ledger_entries
           (stream_id, stream_version, event_id, event_type, schema_version, district_id, vendor_id, data, metadata, verdicts, local_date)
         SELECT x.stream_id, x.stream_version, x.event_id, x.event_type, 1, x.district_id, x.vendor_id, x.data, x.metadata, x.verdicts, x.local_date
           FROM jsonb_to_recordset($1::jsonb) AS x(stream_id text, stream_version int, event_id text, event_type text,
                district_id uuid, vendor_id uuid, data jsonb, metadata jsonb, verdicts jsonb, local_date date, n bigint)
          ORDER BY x.n
         RETURNING event_id, position`,
        [JSON.stringify(rows)],
      )) as { event_id: string; position: string }[];
      for (const r of inserted) positions.set(r.event_id, Number(r.position));
      return positions;
    } catch (error) {
      if (isLostAppendRace(error)) throw new ConcurrencyConflict('a stream or ce_id moved on during the batch');
      throw error;
    }
  }

  /** The per-student interval index: each touched session's attended lines after the batch replace the old. */
  private async replaceActiveLines(m: EntityManager, appends: readonly Append[]): Promise<void> {
    if (!appends.length) return;
    const last = new Map<string, Append>();
    // Only a session whose stream existed before this batch can have lines to replace (its first append here
    // follows a version > 0); a brand-new session skips the delete.
    const existed: Append[] = [];
    for (const a of appends) {
      const key = `${a.checked.vendorId}/${a.checked.sessionId}`;
      if (!last.has(key) && a.version > 0) existed.push(a);
      last.set(key, a);
    }
    const touched = [...last.values()];
    if (existed.length)
      await m.query(
        `DELETE FROM ${this.schema}.active_session_lines l USING unnest($1::uuid[], $2::text[]) AS k(vendor_id, session_id)
          WHERE l.vendor_id = k.vendor_id AND l.session_id = k.session_id`,
        [existed.map((a) => a.checked.vendorId), existed.map((a) => a.checked.sessionId)],
      );
    const lines = touched.flatMap((a) => {
      const session = sessionUnderReview(a.checked);
      return attendedStudents(session).map((studentId) => ({
        district_id: a.checked.districtId,
        vendor_id: a.checked.vendorId,
        session_id: a.checked.sessionId,
        student_id: studentId,
        tutor_id: (session as SessionUnderReview).tutorId,
        starts_at: (session as SessionUnderReview).startedAt,
        ends_at: (session as SessionUnderReview).endedAt,
      }));
    });
    if (!lines.length) return;
    await m.query(
      `INSERT INTO ${this.schema}.active_session_lines (district_id, vendor_id, session_id, student_id, tutor_id, starts_at, ends_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(district_id uuid, vendor_id uuid, session_id text, student_id uuid, tutor_id uuid,
              starts_at timestamptz, ends_at timestamptz)
        ORDER BY x.student_id, x.starts_at`,
      [JSON.stringify(lines)],
    );
  }

  private async recordRejections(
    m: EntityManager,
    run: readonly BatchItem[],
    rejections: readonly { index: number; sessionId: string | null; eventId: string | null; errors: FieldError[] }[],
    vendorDistrict: ReadonlyMap<string, string | null>,
    elsewhere: ReadonlyMap<string, boolean>,
  ): Promise<void> {
    const feedback: OutboxMessage[] = [];
    for (const r of rejections) {
      const origin = (run[r.index] as BatchItem).origin;
      const districtId = origin.vendorId ? (vendorDistrict.get(origin.vendorId) ?? null) : null;
      const message = await recordRejection(
        m,
        this.ledger,
        this.messages,
        { origin, districtId, sessionId: r.sessionId, eventId: r.eventId, errors: r.errors },
        async (v) => elsewhere.get(v) ?? this.ledger.vendorHasTopics(m, v),
      );
      if (message) feedback.push(message);
    }
    await enqueueOutbox(m, this.schema, feedback);
  }

  private duplicate(
    checked: Accepted,
    existing: { position: number; verdicts: readonly LineVerdict[] },
  ): IngestOutcome {
    return {
      status: 'duplicate',
      sessionId: checked.sessionId,
      eventId: checked.eventId,
      ledgerPosition: existing.position,
      exceptions: feedbackExceptions(existing.verdicts),
    };
  }
}
