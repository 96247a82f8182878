import type { DataSource, EntityManager } from 'typeorm';
import {
  canonicalJson,
  checkSessionMessage,
  CheckedSessionMessage,
  decide,
  emptySessionStream,
  evolve,
  exceptionsOf,
  isAttended,
  LineVerdict,
  reviewSession,
  SessionReview,
  sessionRecordedOf,
  SessionStreamRejection,
  SessionStreamState,
  streamIdOf,
} from '@tutoring/session-ledger/domain';
import { ConcurrencyConflict, LedgerStore } from '@tutoring/session-ledger/infrastructure';
import {
  FieldError,
  isUuid,
  LEDGER_SESSION_RECORDED_V1,
  LEDGER_TOPIC,
  MAX_FEEDBACK_EXCEPTIONS,
  SESSION_ACCEPTED_V1,
  SESSION_REJECTED_V1,
  serviceSource,
  SessionAcceptedV1,
  SessionRejectedV1,
  validateInternalEvent,
  vendorFeedbackTopic,
} from '@tutoring/shared/contracts';
import { CloudEvent, enqueueOutbox, OutboxMessage } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import type {
  DecodedSessionMessage,
  IngestOrigin,
  IngestOutcome,
  SessionIngestService,
} from '../../ingest/session-ingest.service';
import { BatchFacts } from './batch-facts.loader';
import { StageTimer } from './stage-timer';

export interface BatchItem {
  decoded: DecodedSessionMessage;
  origin: IngestOrigin;
}

type Accepted = Extract<CheckedSessionMessage, { ok: true }>;

interface Append {
  item: number;
  checked: Accepted;
  eventType: string;
  version: number;
  review: SessionReview;
  origin: IngestOrigin;
}

const FEEDBACK_SOURCE = serviceSource('session-ledger');
const NO_REVIEW: SessionReview = { localDate: null, verdicts: [] };
const CONSUMER = 'session-ingest';

const tenantOf = (decoded: DecodedSessionMessage, origin: IngestOrigin): string | null => {
  if (origin.authenticatedDistrictId) return origin.authenticatedDistrictId;
  if (!decoded.ok) return null;
  const claimed = decoded.envelope.districtid ?? (decoded.envelope.data as { districtId?: unknown } | null)?.districtId;
  return typeof claimed === 'string' && isUuid(claimed) ? claimed : null;
};

/**
 * Ingest of many session events in one tenant transaction: the same checks, stream rules, billable-line review
 * and effects as SessionIngestService.ingest, message by message in order, but read with one query per kind
 * (vendor, processed refs, existing ce_ids, stream heads, reference facts) and written with one multi-row
 * statement per table (processed refs, ledger, interval index, rejections, outbox). Exactly once as before: the
 * processed refs commit with the effects, and the Kafka offsets are committed only after the transaction.
 * Messages without a tenant (undecodable) go through the per-message path.
 */
export class SessionBatchIngest {
  private readonly ledger: LedgerStore;
  private readonly timer = StageTimer.fromEnv();

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly single: SessionIngestService,
    private readonly newId: () => string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.ledger = new LedgerStore(schema);
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
    const fresh = new Set(
      (
        (await m.query(
          `INSERT INTO ${s}.processed_messages (consumer, message_id) SELECT $1, r FROM unnest($2::text[]) r
         ON CONFLICT DO NOTHING RETURNING message_id`,
          [CONSUMER, [...new Set(run.map((r) => r.origin.ref))]],
        )) as { message_id: string }[]
      ).map((r) => r.message_id),
    );

    this.timer.mark('processed');
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
    const sessions = ok.flatMap((c) => ('attendance' in c.data && c.kind !== 'voided' ? [this.underReview(c)] : []));
    const attended = [
      ...new Set(sessions.flatMap((x) => x.attendance.filter((l) => isAttended(l.status)).map((l) => l.studentId))),
    ];
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
          existing.json === canonicalJson(checked.data)
            ? this.duplicate(checked, existing)
            : reject(index, checked.sessionId, checked.eventId, [
                {
                  path: 'ce_id',
                  code: 'conflict',
                  message: 'this ce_id was already used for different data; use a new ce_id',
                },
              ]),
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
      const review =
        checked.kind === 'voided' || !('attendance' in checked.data)
          ? NO_REVIEW
          : reviewSession(this.underReview(checked), facts.for(this.underReview(checked)));
      const data = checked.data;
      facts.replaceActiveLines(
        checked.vendorId,
        checked.sessionId,
        'attendance' in data && checked.kind !== 'voided'
          ? data.attendance
              .filter((l) => isAttended(l.status))
              .map((l) => ({
                vendorId: checked.vendorId,
                sessionId: checked.sessionId,
                studentId: l.studentId,
                tutorId: data.tutorId,
                startsAt: data.startedAt,
                endsAt: data.endedAt,
              }))
          : [],
      );
      streams.set(streamKey, recorded.reduce(evolve, stream));
      const entry = { json: canonicalJson(checked.data), position: 0, verdicts: review.verdicts };
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
        exceptions: this.exceptions(review.verdicts),
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
    await this.recordRejections(m, run, rejections, vendorDistrict);
    this.timer.mark('rejections');
    const messages = appends.flatMap((a) => this.messagesOf(a, positions.get(a.checked.eventId) ?? 0));
    this.timer.mark('buildOutbox');
    await enqueueOutbox(m, s, messages);
    this.timer.mark('outbox');
    return outcomes;
  }

  private underReview(c: Accepted) {
    const data = c.data as Extract<Accepted['data'], { attendance: unknown }>;
    return {
      vendorId: data.vendorId,
      sessionId: data.sessionId,
      tutorId: data.tutorId,
      subject: data.subject,
      startedAt: data.startedAt,
      endedAt: data.endedAt,
      attendance: data.attendance,
    };
  }

  private async existingEvents(m: EntityManager, ok: readonly Accepted[]) {
    const out = new Map<string, { json: string; position: number; verdicts: LineVerdict[] }>();
    if (!ok.length) return out;
    const rows = (await m.query(
      `SELECT e.vendor_id, e.event_id, e.position, e.data, e.verdicts FROM ${this.schema}.ledger_entries e
         JOIN unnest($1::uuid[], $2::text[]) AS k(vendor_id, event_id) ON k.vendor_id = e.vendor_id AND k.event_id = e.event_id`,
      [ok.map((c) => c.vendorId), ok.map((c) => c.eventId)],
    )) as { vendor_id: string; event_id: string; position: string; data: unknown; verdicts: LineVerdict[] }[];
    for (const r of rows)
      out.set(`${r.vendor_id}/${r.event_id}`, {
        json: canonicalJson(r.data),
        position: Number(r.position),
        verdicts: r.verdicts,
      });
    return out;
  }

  private async streamHeads(m: EntityManager, ok: readonly Accepted[]): Promise<Map<string, SessionStreamState>> {
    const out = new Map<string, SessionStreamState>();
    if (!ok.length) return out;
    const rows = (await m.query(
      `SELECT DISTINCT ON (stream_id) stream_id, stream_version, event_type FROM ${this.schema}.ledger_entries
        WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version DESC`,
      [[...new Set(ok.map((c) => streamIdOf(c.vendorId, c.sessionId)))]],
    )) as { stream_id: string; stream_version: number; event_type: string }[];
    for (const r of rows)
      out.set(r.stream_id, {
        version: r.stream_version,
        status: r.event_type.includes('.voided.') ? 'voided' : 'active',
      });
    return out;
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
      metadata: { channel: a.origin.channel, ref: a.origin.ref, ...a.origin.metadata },
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
      if ((error as { code?: string }).code === '23505')
        throw new ConcurrencyConflict('a stream or ce_id moved on during the batch');
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
      const d = a.checked.data;
      if (a.checked.kind === 'voided' || !('attendance' in d)) return [];
      return d.attendance
        .filter((l) => isAttended(l.status))
        .map((l) => ({
          district_id: a.checked.districtId,
          vendor_id: a.checked.vendorId,
          session_id: a.checked.sessionId,
          student_id: l.studentId,
          tutor_id: d.tutorId,
          starts_at: d.startedAt,
          ends_at: d.endedAt,
        }));
    });
    if (!lines.length) return;
    await m.query(
      `INSERT INTO ${this.schema}.active_session_lines (district_id, vendor_id, session_id, student_id, tutor_id, starts_at, ends_at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(district_id uuid, vendor_id uuid, session_id text, student_id uuid, tutor_id uuid,
              starts_at timestamptz, ends_at timestamptz)`,
      [JSON.stringify(lines)],
    );
  }

  private async recordRejections(
    m: EntityManager,
    run: readonly BatchItem[],
    rejections: readonly { index: number; sessionId: string | null; eventId: string | null; errors: FieldError[] }[],
    vendorDistrict: ReadonlyMap<string, string | null>,
  ): Promise<void> {
    const feedback: OutboxMessage[] = [];
    for (const r of rejections) {
      const origin = (run[r.index] as BatchItem).origin;
      const districtId = origin.vendorId ? (vendorDistrict.get(origin.vendorId) ?? null) : null;
      await this.ledger.recordRejection(m, {
        vendorId: origin.vendorId,
        districtId,
        channel: origin.channel,
        ref: origin.ref,
        eventId: r.eventId,
        sessionId: r.sessionId,
        errors: r.errors,
        source: { channel: origin.channel, ref: origin.ref, ...origin.metadata },
      });
      if (origin.vendorId && (districtId || (await this.ledger.vendorHasTopics(m, origin.vendorId)))) {
        const rejected: SessionRejectedV1 = { sessionId: r.sessionId, eventId: r.eventId, errors: r.errors };
        feedback.push({
          topic: vendorFeedbackTopic(origin.vendorId),
          key: r.sessionId,
          event: this.event(SESSION_REJECTED_V1, districtId, r.sessionId, rejected),
        });
      }
    }
    await enqueueOutbox(m, this.schema, feedback);
  }

  private messagesOf(a: Append, ledgerPosition: number): OutboxMessage[] {
    const { checked, review } = a;
    const accepted: SessionAcceptedV1 = {
      sessionId: checked.sessionId,
      eventId: checked.eventId,
      ledgerPosition,
      exceptions: this.exceptions(review.verdicts),
    };
    const recorded = sessionRecordedOf({
      ledgerPosition,
      streamVersion: a.version + 1,
      kind: checked.kind,
      data: checked.data,
      review,
      recordedAt: this.clock().toISOString(),
    });
    const valid = validateInternalEvent(LEDGER_SESSION_RECORDED_V1, recorded);
    if (!valid.ok) throw new Error(`ledger event fails its own schema: ${JSON.stringify(valid.errors)}`);
    return [
      {
        topic: vendorFeedbackTopic(checked.vendorId),
        key: checked.sessionId,
        event: this.event(SESSION_ACCEPTED_V1, checked.districtId, checked.sessionId, accepted),
      },
      {
        topic: LEDGER_TOPIC,
        key: `${checked.vendorId}:${checked.sessionId}`,
        event: this.event(LEDGER_SESSION_RECORDED_V1, checked.districtId, checked.sessionId, recorded),
      },
    ];
  }

  private exceptions(verdicts: readonly LineVerdict[]) {
    return exceptionsOf(verdicts).slice(0, MAX_FEEDBACK_EXCEPTIONS);
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
      exceptions: this.exceptions(existing.verdicts),
    };
  }

  private event<T>(type: string, districtId: string | null, sessionId: string | null, data: T): CloudEvent<T> {
    return {
      specversion: '1.0',
      id: this.newId(),
      source: FEEDBACK_SOURCE,
      type,
      time: this.clock().toISOString(),
      ...(sessionId ? { subject: sessionId } : {}),
      datacontenttype: 'application/json',
      ...(districtId ? { districtid: districtId } : {}),
      data,
    };
  }
}
