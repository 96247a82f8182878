import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { DataSource, EntityManager } from 'typeorm';
import { LedgerProjector, ReferenceStore, SESSION_LEDGER_MIGRATIONS } from '@tutoring/session-ledger/infrastructure';
import { vendorSessionsTopic } from '@tutoring/shared/contracts';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { FreshDatabase, migratedServiceDatabase } from '@tutoring/shared/testing';
import { SessionBatchIngest } from './batch';
import { DecodedSessionMessage, IngestOrigin, IngestOutcome, SessionIngestService } from './session-ingest.service';
import { mathProgram } from '../testing/reference-facts';

const SCHEMA = 'session_ledger';
const DAYS = ['2026-11-02', '2026-11-04', '2026-11-09'];
const STATUSES = ['present', 'late', 'left_early', 'absent_excused', 'absent_unexcused'] as const;

/** Each property run has a district of its own, so a failing run shrinks on its own. */
interface District {
  districtId: string;
  vendorId: string;
  tutors: string[];
  /** Four enrolled students with consent, and one the district never enrolled (her lines are exceptions). */
  students: string[];
}

interface Message {
  session: number;
  kind: 'delivered' | 'corrected' | 'voided';
  /** From a small pool: the same ce_id comes back with the same data (duplicate) or other data (conflict). */
  event: number;
  variant: number;
  /** Two Kafka partitions (batched ingest) and two HTTP clients (per-message ingest), all four at the same time. */
  lane: 0 | 1 | 2 | 3;
}

const messageArb: fc.Arbitrary<Message> = fc.record({
  session: fc.integer({ min: 0, max: 3 }),
  kind: fc.constantFrom('delivered' as const, 'delivered' as const, 'corrected' as const, 'voided' as const),
  event: fc.integer({ min: 0, max: 9 }),
  variant: fc.integer({ min: 0, max: 3 }),
  lane: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
});

/** A session's data: a Chicago school day and time, 3 of the 5 students, minutes within the duration. */
const sessionData = (d: District, m: Message): Record<string, unknown> => {
  const sessionId = `s-${m.session}`;
  const ids = { sessionId, vendorId: d.vendorId, districtId: d.districtId };
  if (m.kind === 'voided') return { ...ids, reason: 'sent twice' };
  const day = DAYS[(m.session + m.variant) % DAYS.length] as string;
  const start = new Date(`${day}T${String(9 + m.session * 2 + (m.variant % 2)).padStart(2, '0')}:00:00-06:00`);
  const duration = 30 + m.variant * 5;
  return {
    ...ids,
    tutorId: d.tutors[(m.session + m.variant) % 2],
    groupId: null,
    scheduledSessionId: null,
    subject: 'math',
    modality: 'virtual',
    startedAt: start.toISOString(),
    endedAt: new Date(start.getTime() + duration * 60_000).toISOString(),
    attendance: [0, 1, 2].map((i) => {
      const status = STATUSES[(m.session + m.variant + i) % STATUSES.length] as string;
      return {
        studentId: d.students[(m.session + i + m.variant) % d.students.length],
        status,
        minutes: status.startsWith('absent') ? 0 : duration - i * 3,
      };
    }),
    ...(m.kind === 'corrected' ? { reason: 'minutes fixed' } : {}),
  };
};

/**
 * The read models as they must be, computed here in SQL from the ledger taken in each stream's version order (the
 * order the vendor's events were decided in), independently of the projector: each session's last version, unless
 * voided; each line's recorded verdict (none: not billable); dose = present, late or left early with minutes > 0.
 */
const REFERENCE = `
  WITH last AS (
    SELECT DISTINCT ON (stream_id) vendor_id, data, verdicts, local_date, event_type
      FROM ${SCHEMA}.ledger_entries
     WHERE event_type LIKE '%.voided.%' OR local_date IS NOT NULL
     ORDER BY stream_id, stream_version DESC),
  lines AS (
    SELECT l.vendor_id, l.data->>'sessionId' AS session_id, l.local_date, l.data->>'tutorId' AS tutor_id,
           a->>'studentId' AS student_id, (a->>'minutes')::int AS minutes,
           a->>'status' IN ('present', 'late', 'left_early') AND (a->>'minutes')::int > 0 AS dose,
           COALESCE((SELECT (v->>'billable')::boolean FROM jsonb_array_elements(l.verdicts) WITH ORDINALITY AS x(v, i)
                      WHERE v->>'studentId' = a->>'studentId' ORDER BY i DESC LIMIT 1), false) AS billable
      FROM last l CROSS JOIN jsonb_array_elements(l.data->'attendance') a
     WHERE l.event_type NOT LIKE '%.voided.%')
  SELECT 'sessions' AS model, concat_ws('|', vendor_id, session_id, local_date) AS r FROM lines GROUP BY 2
  UNION ALL
  SELECT 'dosage', concat_ws('|', student_id, to_char(local_date, 'IYYY-"W"IW'), sum(minutes), count(*))
    FROM lines WHERE dose GROUP BY student_id, to_char(local_date, 'IYYY-"W"IW')
  UNION ALL
  SELECT 'tutors', concat_ws('|', student_id, tutor_id, count(*)) FROM lines WHERE dose GROUP BY student_id, tutor_id
  UNION ALL
  SELECT 'payment', concat_ws('|', vendor_id, to_char(local_date, 'YYYY-MM'),
           COALESCE(sum(minutes) FILTER (WHERE billable), 0), count(*) FILTER (WHERE billable),
           count(*) FILTER (WHERE NOT billable), COALESCE(sum(minutes) FILTER (WHERE NOT billable), 0))
    FROM lines GROUP BY vendor_id, to_char(local_date, 'YYYY-MM')`;

type Models = Record<'sessions' | 'dosage' | 'tutors' | 'payment', string[]>;

describe('concurrent ingest over Kafka and HTTP (real Postgres, runtime role; fast-check)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let single: SessionIngestService;
  let batch: SessionBatchIngest;
  let projector: LedgerProjector;

  const tenant = <T>(d: District, work: (m: EntityManager) => Promise<T>): Promise<T> =>
    inTenantTransaction(ds, d.districtId, work);

  const reference = async (d: District): Promise<Models> => {
    const rows = (await tenant(d, (m) => m.query(REFERENCE))) as { model: keyof Models; r: string }[];
    const out: Models = { sessions: [], dosage: [], tutors: [], payment: [] };
    for (const row of rows) out[row.model].push(row.r);
    return sorted(out);
  };

  const live = async (d: District): Promise<Models> => {
    const snap = await tenant(d, async (m) =>
      projector.store.snapshot(m, d.districtId, await projector.store.activeSlot(m)),
    );
    return sorted({
      ...snap,
      // vendor|session|local date: the rest of a session row is what the aggregates are summed from.
      sessions: snap.sessions.map((s) => s.split('|').slice(0, 3).join('|')),
    });
  };

  /** A district with its vendor and the reference facts that make most of the generated lines billable. */
  const newDistrict = async (): Promise<District> => {
    const d: District = {
      districtId: randomUUID(),
      vendorId: randomUUID(),
      tutors: [randomUUID(), randomUUID()],
      students: Array.from({ length: 5 }, () => randomUUID()),
    };
    const school = randomUUID();
    const program = randomUUID();
    const ref = new ReferenceStore(SCHEMA);
    await tenant(d, async (m) => {
      await m.query(
        `INSERT INTO ${SCHEMA}.known_vendors (vendor_id, district_id, name, registered_at) VALUES ($1, $2, 'v', now())`,
        [d.vendorId, d.districtId],
      );
      await m.query(`INSERT INTO ${SCHEMA}.vendor_topics (vendor_id) VALUES ($1)`, [d.vendorId]);
      await ref.apply(m, { kind: 'district', districtId: d.districtId, timeZone: 'America/Chicago' });
      await ref.apply(m, {
        kind: 'calendar',
        districtId: d.districtId,
        schoolId: school,
        from: '2026-07-01',
        to: '2027-06-30',
        days: DAYS.map((day) => ({ day, earlyRelease: false })),
      });
      await ref.apply(m, mathProgram(d.districtId, program, [d.vendorId]));
      for (const studentId of d.students)
        await ref.apply(m, { kind: 'student', studentId, districtId: d.districtId, schoolId: school, grade: '4' });
      for (const studentId of d.students.slice(0, 4))
        await ref.apply(m, {
          kind: 'enrolment',
          enrolmentId: randomUUID(),
          districtId: d.districtId,
          studentId,
          programId: program,
          vendorId: d.vendorId,
          schoolId: school,
          status: 'enrolled',
          consent: 'granted',
          startDate: '2026-09-01',
          endDate: null,
        });
      for (const tutorId of d.tutors)
        await ref.apply(m, {
          kind: 'tutor',
          tutorId,
          districtId: d.districtId,
          vendorId: d.vendorId,
          clearedUntil: '2027-06-30',
        });
    });
    return d;
  };

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase('ledger_concurrent', SCHEMA, SESSION_LEDGER_MIGRATIONS));
    single = new SessionIngestService(ds, SCHEMA, randomUUID);
    batch = new SessionBatchIngest(ds, SCHEMA, single, randomUUID);
    projector = new LedgerProjector(ds, SCHEMA, { batchSize: 5, rebuildBatchSize: 7 });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('keeps the live read models, a blue/green rebuild and a reference from the ledger in version order equal', async () => {
    let paid = 0;
    let held = 0;
    let superseding = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArb, { minLength: 4, maxLength: 24 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }),
        async (messages, chunkSizes) => {
          const d = await newDistrict();
          const topic = vendorSessionsTopic(d.vendorId);
          const items = messages.map((m, i) => {
            const type = `org.tutoring.session.${m.kind}.v1`;
            // The same ce_id with the same data is a duplicate; kind and variant make the data differ (a conflict).
            const envelope = {
              id: `e-${m.event}`,
              source: `urn:tutoring:vendor:${d.vendorId}`,
              type,
              districtid: d.districtId,
              data: sessionData(d, m),
            };
            const origin: IngestOrigin =
              m.lane < 2
                ? { channel: 'kafka', ref: `${topic}/${m.lane}/${i}`, topic, vendorId: d.vendorId, metadata: {} }
                : {
                    channel: 'http',
                    ref: `http:${d.vendorId}:${i}`,
                    vendorId: d.vendorId,
                    authenticatedVendorId: d.vendorId,
                    authenticatedDistrictId: d.districtId,
                    metadata: {},
                  };
            const item = { decoded: { ok: true, envelope } as DecodedSessionMessage, origin };
            return { lane: m.lane, kind: m.kind, item };
          });
          const count = (kind: Message['kind'], outcome: IngestOutcome) => {
            if (kind !== 'delivered' && outcome.status === 'accepted') superseding++;
          };
          const partition = async (lane: number) => {
            const mine = items.filter((x) => x.lane === lane);
            for (let at = 0, k = 0; at < mine.length; k++) {
              const chunk = mine.slice(at, at + (chunkSizes[k % chunkSizes.length] as number));
              (await batch.ingestBatch(chunk.map((x) => x.item))).forEach((o, j) => count(chunk[j]!.kind, o));
              at += chunk.length;
            }
          };
          const client = async (lane: number) => {
            for (const x of items)
              if (x.lane === lane) count(x.kind, await single.ingest(x.item.decoded, x.item.origin));
          };
          let ingesting = true;
          const projecting = (async () => {
            while (ingesting) await projector.catchUp();
          })();
          try {
            await Promise.all([partition(0), partition(1), client(2), client(3)]);
          } finally {
            ingesting = false;
            await projecting;
          }
          await projector.catchUp();

          const expected = await reference(d);
          expect(await live(d)).toEqual(expected);
          await projector.rebuild();
          expect(await live(d)).toEqual(expected);
          for (const p of expected.payment.map((row) => row.split('|').map(Number))) {
            paid += p[3] ?? 0;
            held += p[4] ?? 0;
          }
        },
      ),
      { numRuns: 25 },
    );
    // The scenarios held accepted corrections and voids, and both paid lines and exceptions (the reference facts
    // make most lines billable, not all).
    expect(superseding).toBeGreaterThan(0);
    expect(paid).toBeGreaterThan(0);
    expect(held).toBeGreaterThan(0);
  });
});

const sorted = (m: Models): Models => ({
  sessions: [...m.sessions].sort(),
  dosage: [...m.dosage].sort(),
  tutors: [...m.tutors].sort(),
  payment: [...m.payment].sort(),
});
