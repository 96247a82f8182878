/**
 * Who may call which route: the expectations the authorization matrix (authorization-matrix.e2e.spec.ts) holds every
 * service to. The matrix reads each running service's OpenAPI document and FAILS for any route that is missing here
 * (it prints the line to paste), any route without an explicit role list, and any row whose route no longer exists.
 *
 * ADD ONE LINE PER ROUTE:
 *
 *   row('<service>', '<METHOD> <OpenAPI path>', [<roles allowed>], '<scope>'),
 *   row('<service>', '<METHOD> <OpenAPI path>', [<roles allowed>], '<scope>', { ok: 201, request: (w, c) => ({ body: {...} }) }),
 *
 * - roles: exactly the route's @Roles(...) list. Every other role, from either district, must get 403; no token 401.
 * - scope (object-level rule; the matrix checks the generic part, `probe` the specific part):
 *     'district' the caller sees only its district's data; 'vendor' also only its own vendor's data;
 *     'school' a school_leader only its schools; 'teacher' a teacher only its students; 'none' no tenant data.
 *   For every allowed caller, no id of another district (nor, for vendor callers, of another vendor) — the ids the
 *   world and the fixtures registered with `w.mark(...)` — may appear in the response.
 * - request(w, caller): builds the call for that caller: `params` (path), `query`, `body`. Without it, path params get
 *   random UUIDs and the body is `{}`.
 * - ok: the exact status an allowed caller must get; without it, an allowed caller must get neither 401, nor the
 *   guard's role refusal, nor a 5xx (an object-level 403/404 on the random ids is fine).
 * - Every caller whose roles are not listed must get 403.
 * - probe(w, caller): a call aimed at an object the caller must NOT reach (other district, other vendor, other
 *   school); the answer must be 403 or 404 and leak nothing. Return null for callers the rule does not apply to.
 * - body: 'event-verdict' for routes that answer a verdict per CloudEvent instead of 400 (an unknown property must
 *   still be rejected). Every JSON body is sent with an extra `approved` (and `vendorId`, unless the DTO declares it).
 * Fixtures may create data through any service (`w.call`) and mark foreign ids (`w.mark(owner, id)`).
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '@tutoring/shared/auth';
import { SERVICE_NAMES, type ServiceName } from '@tutoring/shared/dev-stack';
import { BELL_SCHEDULE, type Caller, type MatrixRequest, type World } from './matrix-world';

export type Scope = 'district' | 'vendor' | 'school' | 'teacher' | 'none';

export interface RouteRow {
  service: ServiceName;
  /** `GET /v1/vendors/{vendorId}`: the method and the path exactly as in the service's OpenAPI document. */
  route: string;
  roles: readonly Role[] | 'public';
  scope: Scope;
  ok?: number;
  request?: (w: World, caller: Caller) => Promise<MatrixRequest> | MatrixRequest;
  probe?: (w: World, caller: Caller) => Promise<MatrixRequest | null> | MatrixRequest | null;
  /**
   * How the route refuses a body with an undeclared property: 'dto' (default) answers 400 naming it; 'event-verdict'
   * (CloudEvents ingest) answers per event, and the event must come back rejected.
   */
  body?: 'dto' | 'event-verdict';
}

type RowOptions = Pick<RouteRow, 'ok' | 'request' | 'probe' | 'body'>;

export const row = (
  service: ServiceName,
  route: string,
  roles: readonly Role[] | 'public',
  scope: Scope,
  options: RowOptions = {},
): RouteRow => ({ service, route, roles, scope, ...options });

// Role lists used by many routes (the table must still equal each route's own @Roles list).
const ADMIN: Role[] = ['district_admin'];
const ALL: Role[] = ['district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor', 'finance'];
const PROGRAM: Role[] = ['district_admin', 'program_manager'];
const PROGRAM_SCHOOL: Role[] = ['district_admin', 'program_manager', 'school_leader'];
const PROGRAM_SCHOOL_VENDOR: Role[] = ['district_admin', 'program_manager', 'school_leader', 'vendor'];
const MONEY: Role[] = ['finance', 'district_admin'];
const MONEY_VENDOR: Role[] = ['finance', 'district_admin', 'vendor'];

const ELIGIBILITY_QUERY = { schoolYear: '2026-2027', purpose: 'security matrix' };

/** A caller's own district's vendor (A for district A), and the other district's (for probes). */
const ownVendor = (w: World, c: Caller) => (c.district === 'A' ? w.vendorIds.A : w.vendorIds.B);
const foreignVendor = (w: World, c: Caller) => (c.district === 'A' ? w.vendorIds.B : w.vendorIds.A);
const vendorOnly = (c: Caller) => c.roles.every((r) => r === 'vendor');

// School scope (w.schoolScope: students of two schools of district A; A's leader leads the first school only, A's
// teacher teaches some of its students). Probes aim a school-bound caller at a record outside their scope: a school
// leader of A at the other school, a teacher of A at a student they do not teach (of their own school when there is
// one), and district B's leader and teacher at a record of district A.
type SchoolScope = NonNullable<World['schoolScope']>;
const SCHOOL_ROLES: Role[] = ['school_leader', 'teacher'];
const schoolBound = (c: Caller) => SCHOOL_ROLES.some((role) => c.roles.every((r) => r === role));
const teacherOnly = (c: Caller) => c.roles.every((r) => r === 'teacher');
const PURPOSE = { purpose: 'security matrix' };
const schoolProbe =
  (pick: (s: SchoolScope, c: Caller) => MatrixRequest) =>
  (w: World, c: Caller): MatrixRequest | null =>
    schoolBound(c) && w.schoolScope ? pick(w.schoolScope, c) : null;
const foreignSchool = (s: SchoolScope, c: Caller) => (c.district === 'A' ? s.other : s.mine);
const foreignStudent = (s: SchoolScope, c: Caller): string => {
  if (c.district === 'B') return s.students.mine[0] as string;
  if (!teacherOnly(c)) return s.students.other[0] as string;
  const notTaught = [...s.students.mine, ...s.students.other].filter((id) => !s.teacher.students.includes(id));
  return notTaught[0] as string;
};
/**
 * Vendors too: vendor A (which serves one student) is aimed at a student it does not serve, vendor A2 at vendor A's
 * student, vendor B at vendor A's student (another district).
 */
const studentProbe =
  (pick: (s: SchoolScope, c: Caller, studentId: string) => MatrixRequest) =>
  (w: World, c: Caller): MatrixRequest | null => {
    const s = w.schoolScope;
    if (!s) return null;
    if (schoolBound(c)) return pick(s, c, foreignStudent(s, c));
    if (!vendorOnly(c)) return null;
    const target =
      c.vendorId === s.served.vendorId
        ? [...s.students.mine, ...s.students.other].find((id) => id !== s.served.studentId)
        : s.served.studentId;
    return target ? pick(s, c, target) : null;
  };
/** A student of the caller's own scope in district A (the teacher's own); district B has no roster (null). */
const ownStudent = (w: World, c: Caller): string | null => {
  const s = c.district === 'A' ? w.schoolScope : null;
  if (!s) return null;
  return (
    (teacherOnly(c) ? s.teacher.students[0] : s.students.mine.find((id) => s.teacher.students.includes(id))) ?? null
  );
};
// Money (w.money: per district a contract with its own vendor and a base statement). A vendor is aimed at another
// vendor's (A2 at A's, A at B's, B at A's), everyone else at the other district's.
type Money = NonNullable<World['money']>['A'];
const foreignMoney = (w: World, c: Caller): Money | null => {
  if (!w.money) return null;
  if (c.key === 'A/vendor:A2') return w.money.A;
  return c.district === 'A' ? w.money.B : w.money.A;
};
const moneyProbe =
  (pick: (m: Money) => MatrixRequest) =>
  (w: World, c: Caller): MatrixRequest | null => {
    const m = foreignMoney(w, c);
    return m ? pick(m) : null;
  };
const ownMoney = (w: World, c: Caller): Money | null =>
  w.money && c.key !== 'A/vendor:A2' ? w.money[c.district] : null;

/** District A's callers act on the first school of the school scope; district B has no roster (random ids). */
const ownScope = (w: World, c: Caller): SchoolScope | null => (c.district === 'A' ? w.schoolScope : null);

export const ROUTE_ACCESS: RouteRow[] = [
  // every service: probes for Kubernetes, no token, no tenant data
  ...SERVICE_NAMES.flatMap((s) => [
    row(s, 'GET /health/live', 'public', 'none'),
    row(s, 'GET /health/ready', 'public', 'none'),
  ]),

  // enrollment
  row('enrollment', 'POST /v1/vendors', ADMIN, 'district', {
    ok: 201,
    request: (w) => ({ body: { name: `Matrix Vendor ${w.uid()}` } }),
  }),
  row('enrollment', 'GET /v1/vendors', ['district_admin', 'program_manager', 'finance'], 'district', {
    ok: 200,
    request: () => ({ query: { limit: '200' } }),
  }),
  row('enrollment', 'POST /v1/vendors/{vendorId}/kafka-credentials', ADMIN, 'district', {
    ok: 409, // the matrix broker has no SASL: see vendor-kafka-access.e2e.spec.ts for the SASL broker
    request: (w, c) => ({ params: { vendorId: ownVendor(w, c) } }),
    probe: (w, c) => ({ params: { vendorId: foreignVendor(w, c) } }),
  }),
  row('enrollment', 'DELETE /v1/vendors/{vendorId}/kafka-credentials', ADMIN, 'district', {
    ok: 409,
    request: (w, c) => ({ params: { vendorId: ownVendor(w, c) } }),
    probe: (w, c) => ({ params: { vendorId: foreignVendor(w, c) } }),
  }),
  row('enrollment', 'GET /v1/audit', ADMIN, 'district', { ok: 200, request: () => ({ query: { limit: '200' } }) }),
  row('enrollment', 'PUT /v1/district', ADMIN, 'district'),
  row('enrollment', 'GET /v1/district', ALL, 'district'),
  row('enrollment', 'POST /v1/schools', ADMIN, 'district'),
  row('enrollment', 'GET /v1/schools', ALL, 'school'),
  row('enrollment', 'PUT /v1/schools/{schoolId}/calendars/{schoolYear}', PROGRAM, 'district'),
  row(
    'enrollment',
    'GET /v1/schools/{schoolId}/calendars/{schoolYear}',
    ['district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor'],
    'school',
  ),
  row('enrollment', 'POST /v1/programs', PROGRAM, 'district'),
  row('enrollment', 'GET /v1/programs', ALL, 'district'),
  row('enrollment', 'PUT /v1/programs/{programId}', PROGRAM, 'district'),
  row('enrollment', 'GET /v1/programs/{programId}', ALL, 'vendor', {
    request: (w, c) => ({ params: { programId: w.programIds[c.district] } }),
    // another district's program; and for vendor A2, district A's program that names only vendor A
    probe: (w, c) => ({
      params: { programId: c.key === 'A/vendor:A2' ? w.programIds.A : w.programIds[c.district === 'A' ? 'B' : 'A'] },
    }),
  }),
  row('enrollment', 'POST /v1/roster/imports', ADMIN, 'district'),
  // teacher: only the students of their classes (token teacher_id, or else sub = their OneRoster user sourcedId)
  row('enrollment', 'GET /v1/students', [...PROGRAM_SCHOOL, 'teacher'], 'school', {
    ok: 200,
    request: () => ({ query: { limit: '200', ...PURPOSE } }),
  }),
  row('enrollment', 'GET /v1/students/{studentId}/pii', [...PROGRAM_SCHOOL, 'teacher'], 'school', {
    request: (w, c) => ({
      params: { studentId: ownStudent(w, c) ?? randomUUID() },
      query: PURPOSE,
    }),
    probe: schoolProbe((s, c) => ({ params: { studentId: foreignStudent(s, c) }, query: PURPOSE })),
  }),
  row('enrollment', 'POST /v1/students/{studentId}/erasure', ADMIN, 'district'),
  row('enrollment', 'POST /v1/programs/{programId}/enrolments', PROGRAM, 'district'),
  row('enrollment', 'POST /v1/enrolments/{enrolmentId}/invitation', PROGRAM, 'district'),
  row('enrollment', 'POST /v1/enrolments/{enrolmentId}/consent', PROGRAM, 'district'),
  row('enrollment', 'POST /v1/enrolments/{enrolmentId}/enrolment', PROGRAM, 'district'),
  row('enrollment', 'POST /v1/enrolments/{enrolmentId}/withdrawal', PROGRAM, 'district'),
  row('enrollment', 'POST /v1/enrolments/{enrolmentId}/exit', PROGRAM, 'district'),
  row('enrollment', 'PUT /v1/enrolments/{enrolmentId}/contact-preferences', PROGRAM, 'district'),
  row('enrollment', 'GET /v1/enrolments', [...PROGRAM_SCHOOL_VENDOR, 'teacher'], 'vendor'),
  row('enrollment', 'GET /v1/enrolments/{enrolmentId}', [...PROGRAM_SCHOOL_VENDOR, 'teacher'], 'vendor', {
    request: (w, c) => {
      const own = ownStudent(w, c);
      return { params: { enrolmentId: (own && w.schoolScope?.enrolments[own]) || randomUUID() } };
    },
    probe: studentProbe((s, _c, studentId) => ({ params: { enrolmentId: s.enrolments[studentId] as string } })),
  }),
  row('enrollment', 'POST /v1/assessments/imports', PROGRAM, 'district'),
  row('enrollment', 'GET /v1/programs/{programId}/eligibility', PROGRAM, 'district', {
    ok: 200,
    request: (w, c) => ({ params: { programId: w.programIds[c.district] }, query: ELIGIBILITY_QUERY }),
    probe: (w, c) => ({
      params: { programId: w.programIds[c.district === 'A' ? 'B' : 'A'] },
      query: ELIGIBILITY_QUERY,
    }),
  }),
  row('enrollment', 'PUT /v1/tutors/{tutorId}', ['district_admin', 'program_manager', 'vendor'], 'vendor'),
  row('enrollment', 'GET /v1/tutors', PROGRAM_SCHOOL_VENDOR, 'vendor'),
  row(
    'enrollment',
    'GET /v1/tutors/{tutorId}/clearance',
    ['district_admin', 'program_manager', 'school_leader', 'vendor', 'finance'],
    'vendor',
  ),

  // scheduling
  row('scheduling', 'POST /v1/groups', PROGRAM_SCHOOL, 'school'),
  row('scheduling', 'GET /v1/groups', PROGRAM_SCHOOL_VENDOR, 'vendor'),
  row('scheduling', 'GET /v1/groups/tutor-consistency', ['district_admin', 'program_manager', 'vendor'], 'vendor'),
  row('scheduling', 'GET /v1/groups/conflicts', PROGRAM_SCHOOL_VENDOR, 'vendor'),
  row('scheduling', 'GET /v1/groups/{groupId}', PROGRAM_SCHOOL_VENDOR, 'vendor'),
  row('scheduling', 'PUT /v1/groups/{groupId}/members', PROGRAM_SCHOOL, 'school'),
  row('scheduling', 'PUT /v1/groups/{groupId}/slots', PROGRAM_SCHOOL, 'school'),
  row('scheduling', 'POST /v1/groups/{groupId}/tutor-reassignments', PROGRAM, 'district'),
  row('scheduling', 'POST /v1/groups/{groupId}/dissolution', PROGRAM, 'district'),
  row('scheduling', 'POST /v1/groups/{groupId}/make-up-sessions', PROGRAM_SCHOOL, 'school'),
  row('scheduling', 'PUT /v1/schools/{schoolId}/bell-schedule', PROGRAM_SCHOOL, 'school', {
    request: (w, c) => ({ params: { schoolId: ownScope(w, c)?.mine ?? randomUUID() }, body: BELL_SCHEDULE }),
    probe: schoolProbe((s, c) => ({ params: { schoolId: foreignSchool(s, c) }, body: BELL_SCHEDULE })),
  }),
  row('scheduling', 'GET /v1/schools/{schoolId}/bell-schedule', PROGRAM_SCHOOL_VENDOR, 'school', {
    probe: schoolProbe((s, c) => ({ params: { schoolId: foreignSchool(s, c) } })),
  }),
  row('scheduling', 'POST /v1/occurrences/planning', PROGRAM, 'district'),
  row('scheduling', 'GET /v1/occurrences', PROGRAM_SCHOOL_VENDOR, 'vendor'),
  row('scheduling', 'POST /v1/occurrences/{occurrenceId}/cancellations', PROGRAM_SCHOOL, 'school'),
  row('scheduling', 'POST /v1/auto-schedule', PROGRAM_SCHOOL, 'school'),
  row('scheduling', 'POST /v1/auto-schedule/proposals/{proposalId}/application', PROGRAM_SCHOOL, 'school'),
  row('scheduling', 'GET /v1/audit', ADMIN, 'district', { ok: 200, request: () => ({ query: { limit: '200' } }) }),

  // session-ledger
  row(
    'session-ledger',
    'GET /v1/ledger/entries',
    ['district_admin', 'program_manager', 'finance', 'vendor'],
    'vendor',
    { ok: 200, request: () => ({}) },
  ),
  row('session-ledger', 'GET /v1/ledger/followers', PROGRAM, 'district', { ok: 200, request: () => ({}) }),
  row('session-ledger', 'GET /v1/ingest/rejections', ['district_admin', 'program_manager', 'vendor'], 'vendor', {
    ok: 200,
    request: () => ({}),
  }),
  row(
    'session-ledger',
    'GET /v1/sessions/{vendorId}/{sessionId}/history',
    ['district_admin', 'program_manager', 'finance', 'vendor'],
    'vendor',
    {
      request: (w, c) => ({ params: { vendorId: c.vendorId ?? ownVendor(w, c), sessionId: 'matrix-session' } }),
      // a vendor asking for another vendor's session (same district or not) must not get it
      probe: (w, c) =>
        vendorOnly(c)
          ? {
              params: {
                vendorId: c.vendorId === w.vendorIds.A ? w.vendorIds.A2 : w.vendorIds.A,
                sessionId: 'matrix-session',
              },
            }
          : null,
    },
  ),
  row(
    'session-ledger',
    'GET /v1/exceptions',
    ['district_admin', 'program_manager', 'finance', 'vendor', 'school_leader'],
    'vendor',
    {
      probe: schoolProbe((s, c) => ({ query: { schoolId: foreignSchool(s, c) } })),
    },
  ),
  row('session-ledger', 'POST /v1/ingest/events', ['vendor'], 'vendor', { body: 'event-verdict' }),
  row('session-ledger', 'POST /v1/ingest/datas-csv', ['vendor'], 'vendor'),
  row('session-ledger', 'GET /v1/audit', ADMIN, 'district', { ok: 200, request: () => ({ query: { limit: '200' } }) }),
  row('session-ledger', 'GET /v1/dosage/students/{studentId}', PROGRAM_SCHOOL_VENDOR, 'vendor', {
    probe: studentProbe((_s, _c, studentId) => ({ params: { studentId } })),
  }),
  row('session-ledger', 'GET /v1/dosage/students/{studentId}/schedule', PROGRAM_SCHOOL_VENDOR, 'vendor', {
    probe: studentProbe((_s, _c, studentId) => ({ params: { studentId } })),
  }),
  row('session-ledger', 'GET /v1/dosage/fidelity', PROGRAM_SCHOOL, 'school', {
    probe: schoolProbe((s, c) => ({ query: { schoolId: foreignSchool(s, c), isoWeek: '2026-W48' } })),
  }),
  row(
    'session-ledger',
    'GET /v1/payment/periods',
    ['district_admin', 'program_manager', 'finance', 'vendor'],
    'vendor',
  ),

  // outcomes-contracting
  row('outcomes-contracting', 'POST /v1/contracts', MONEY, 'district'),
  row('outcomes-contracting', 'GET /v1/contracts', MONEY_VENDOR, 'vendor'),
  row('outcomes-contracting', 'GET /v1/contracts/{contractId}', MONEY_VENDOR, 'vendor', {
    request: (w, c) => ({ params: { contractId: ownMoney(w, c)?.contractId ?? randomUUID() } }),
    probe: moneyProbe((m) => ({ params: { contractId: m.contractId } })),
  }),
  row('outcomes-contracting', 'POST /v1/contracts/{contractId}/versions', MONEY, 'district'),
  row('outcomes-contracting', 'POST /v1/contracts/{contractId}/statements', ['finance'], 'district'),
  row('outcomes-contracting', 'POST /v1/what-if', MONEY, 'district'),
  row('outcomes-contracting', 'GET /v1/statements', MONEY_VENDOR, 'vendor'),
  row('outcomes-contracting', 'GET /v1/statements/{statementId}', MONEY_VENDOR, 'vendor', {
    request: (w, c) => ({ params: { statementId: ownMoney(w, c)?.statementId ?? randomUUID() } }),
    probe: moneyProbe((m) => ({ params: { statementId: m.statementId } })),
  }),
  row('outcomes-contracting', 'GET /v1/statements/{statementId}/csv', MONEY_VENDOR, 'vendor', {
    request: (w, c) => ({ params: { statementId: ownMoney(w, c)?.statementId ?? randomUUID() } }),
    probe: moneyProbe((m) => ({ params: { statementId: m.statementId } })),
  }),
  row('outcomes-contracting', 'GET /v1/statements/{statementId}/recomputation', MONEY, 'district', {
    probe: moneyProbe((m) => ({ params: { statementId: m.statementId } })),
  }),
  row('outcomes-contracting', 'POST /v1/statements/{statementId}/approval', ['finance'], 'district', {
    probe: moneyProbe((m) => ({ params: { statementId: m.statementId } })),
  }),
  row('outcomes-contracting', 'POST /v1/statements/{statementId}/disputes', ['vendor'], 'vendor', {
    probe: moneyProbe((m) => ({
      params: { statementId: m.statementId },
      body: { lineIndex: 0, reason: 'matrix probe' },
    })),
  }),
  row('outcomes-contracting', 'GET /v1/statements/{statementId}/disputes', MONEY_VENDOR, 'vendor', {
    probe: moneyProbe((m) => ({ params: { statementId: m.statementId } })),
  }),
  row('outcomes-contracting', 'POST /v1/disputes/{disputeId}/resolution', ['finance'], 'district'),
  row('outcomes-contracting', 'GET /v1/audit', ADMIN, 'district', {
    ok: 200,
    request: () => ({ query: { limit: '200' } }),
  }),

  // notifications
  row('notifications', 'GET /v1/templates', ALL, 'none'),
  row('notifications', 'GET /v1/templates/{id}/preview', ALL, 'none'),
  row('notifications', 'GET /v1/inbox', ALL, 'district'),
  row('notifications', 'GET /v1/deliveries', ADMIN, 'district'),
  row('notifications', 'POST /v1/deliveries/{id}/retry', ADMIN, 'district'),
  row('notifications', 'GET /v1/notifications/stats', ADMIN, 'district'),
  row('notifications', 'GET /v1/settings', PROGRAM, 'district'),
  row('notifications', 'PUT /v1/settings', ADMIN, 'district'),
  row('notifications', 'PUT /v1/recipients/{recipientId}/channels/{channel}', ADMIN, 'district'),
  row('notifications', 'PUT /v1/recipients/{recipientId}/roles', ADMIN, 'district'),
  row('notifications', 'DELETE /v1/recipients/{recipientId}/roles/{role}/{scopeKey}', ADMIN, 'district'),
  // only the recipient itself, or a district admin, may see or change a recipient's preferences
  row('notifications', 'GET /v1/recipients/{recipientId}/preferences', ALL, 'district', {
    request: (_w, c) => ({ params: { recipientId: c.sub } }),
    probe: (w, c) => (c.roles.includes('district_admin') ? null : { params: { recipientId: otherCaller(w, c).sub } }),
  }),
  row('notifications', 'PUT /v1/recipients/{recipientId}/preferences', ALL, 'district', {
    request: (_w, c) => ({ params: { recipientId: c.sub } }),
    probe: (w, c) => (c.roles.includes('district_admin') ? null : { params: { recipientId: otherCaller(w, c).sub } }),
  }),
  row('notifications', 'POST /v1/sweeps', ADMIN, 'district'),
  row('notifications', 'POST /v1/read-models/rebuild', ADMIN, 'district'),
  row('notifications', 'GET /v1/read-models/rebuilds/{id}', ADMIN, 'district'),
  row('notifications', 'GET /v1/audit', ADMIN, 'district', { ok: 200, request: () => ({ query: { limit: '200' } }) }),
];

/** Another person of the same district (for "only yourself" rules). */
function otherCaller(w: World, c: Caller): Caller {
  const other = w.callers.find((x) => x.district === c.district && x.sub !== c.sub);
  if (!other) throw new Error('the world has one caller per district only');
  return other;
}
