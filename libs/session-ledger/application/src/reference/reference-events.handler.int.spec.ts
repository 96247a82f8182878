// Scheduling's planned and cancelled occurrences through the real reference handler (CloudEvents as they come off the
// topic, real Postgres, RLS): several cancellations of one occurrence arriving out of order and redelivered, then a
// re-plan that leaves out the student cancelled ahead. The schedule read answers each student by their own
// cancellation, and the student left out stays scheduled.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DosageQueries, SESSION_LEDGER_MIGRATIONS } from '@tutoring/session-ledger/infrastructure';
import {
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  OccurrenceCancelledV1,
  OccurrencePlannedV1,
  SCHEDULING_TOPIC,
} from '@tutoring/shared/contracts';
import { encodeBinary, IncomingMessage, silentLogger } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { FreshDatabase, migratedServiceDatabase } from '@tutoring/shared/testing';
import { ReferenceEventsHandler } from './reference-events.handler';

const SCHEMA = 'session_ledger';
const district = randomUUID();
const vendor = randomUUID();
const group = randomUUID();
const occurrenceId = randomUUID();
const [ana, ben, cara] = [randomUUID(), randomUUID(), randomUUID()];

let offset = 0;
const message = (type: string, data: unknown, id: string, time: string): IncomingMessage => {
  const { headers, value } = encodeBinary({
    specversion: '1.0',
    id,
    source: 'urn:tutoring:service:scheduling',
    type,
    time,
    districtid: district,
    data,
  });
  return {
    topic: SCHEDULING_TOPIC,
    partition: 0,
    offset: String(offset++),
    key: group,
    value,
    headers: headers as Record<string, string>,
    timestamp: String(Date.parse(time)),
  };
};
const plan = (studentIds: string[], time: string): IncomingMessage =>
  message(
    OCCURRENCE_PLANNED_V1,
    {
      occurrenceId,
      districtId: district,
      groupId: group,
      programId: randomUUID(),
      schoolId: randomUUID(),
      vendorId: vendor,
      tutorId: randomUUID(),
      studentIds,
      date: '2026-11-04',
      startsAt: '2026-11-04T16:00:00Z',
      endsAt: '2026-11-04T16:30:00Z',
    } satisfies OccurrencePlannedV1,
    randomUUID(),
    time,
  );
const cancellation = (
  id: string,
  time: string,
  reason: OccurrenceCancelledV1['reason'],
  accountable: OccurrenceCancelledV1['accountable'],
  studentIds: string[],
): IncomingMessage =>
  message(
    OCCURRENCE_CANCELLED_V1,
    {
      occurrenceId,
      districtId: district,
      groupId: group,
      vendorId: vendor,
      reason,
      accountable,
      studentIds,
      note: null,
    } satisfies OccurrenceCancelledV1,
    id,
    time,
  );

describe('reference handler: several cancellations of one occurrence, and a re-plan (real Postgres, RLS)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let handler: ReferenceEventsHandler;

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase(
      'reference_cancellations',
      SCHEMA,
      SESSION_LEDGER_MIGRATIONS,
    ));
    handler = new ReferenceEventsHandler(
      ds,
      SCHEMA,
      () => {
        throw new Error('no valid event may be dead-lettered');
      },
      silentLogger,
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const outcomes = () =>
    inTenantTransaction(ds, district, async (m) => {
      const out: string[] = [];
      for (const student of [ana, ben, cara]) {
        const view = await new DosageQueries(SCHEMA).studentSchedule(m, district, student, {
          fromWeek: '2026-W45',
          toWeek: '2026-W45',
          vendorId: null,
          now: new Date('2026-11-20T00:00:00Z'),
        });
        out.push(
          view.occurrences.length === 1 && view.weeks[0]?.scheduled === 1
            ? (view.occurrences[0]?.outcome as string)
            : `scheduled ${view.occurrences.length} times`,
        );
      }
      return out;
    });

  it("attributes each student's miss by their own cancellation, whatever the arrival order, once per event", async () => {
    const aheadAna = randomUUID();
    const tutorOut = randomUUID();
    // Ana's absence known ahead (Nov 1), then the tutor's absence for the others (Nov 3): they arrive last first, the
    // plan in between, and Ana's is redelivered.
    await handler.handleBatch([
      cancellation(tutorOut, '2026-11-03T12:00:00Z', 'tutor_absence', 'vendor', [ben, cara]),
      plan([ana, ben, cara], '2026-10-20T12:00:00Z'),
      cancellation(aheadAna, '2026-11-01T12:00:00Z', 'student_absence', 'district', [ana]),
    ]);
    await handler.handleBatch([cancellation(aheadAna, '2026-11-01T12:00:00Z', 'student_absence', 'district', [ana])]);
    expect(await outcomes()).toEqual(['cancelled_by_district', 'cancelled_by_vendor', 'cancelled_by_vendor']);
    const rows = (await inTenantTransaction(ds, district, (m) =>
      m.query(
        `SELECT event_id, reason, accountable, cancelled_at FROM ${SCHEMA}.ref_occurrence_cancellations
          WHERE occurrence_id = $1 ORDER BY cancelled_at`,
        [occurrenceId],
      ),
    )) as { event_id: string; reason: string; accountable: string; cancelled_at: Date }[];
    expect(rows.map((r) => [r.event_id, r.reason, r.accountable, r.cancelled_at.toISOString()])).toEqual([
      [aheadAna, 'student_absence', 'district', '2026-11-01T12:00:00.000Z'],
      [tutorOut, 'tutor_absence', 'vendor', '2026-11-03T12:00:00.000Z'],
    ]);
  });

  it('keeps a student cancelled ahead as scheduled and cancelled when the re-published plan leaves them out', async () => {
    // A group change: scheduling re-publishes the plan without Ana (cancelled ahead).
    await handler.handleBatch([plan([ben, cara], '2026-11-02T12:00:00Z')]);
    expect(await outcomes()).toEqual(['cancelled_by_district', 'cancelled_by_vendor', 'cancelled_by_vendor']);
    // Another district sees none of it (RLS).
    const other = (await inTenantTransaction(ds, randomUUID(), (m) =>
      m.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.ref_occurrence_cancellations`),
    )) as { n: number }[];
    expect(other[0]?.n).toBe(0);
  });
});
