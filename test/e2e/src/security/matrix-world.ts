// The people and data the authorization matrix plays with: two districts, every role in each, and vendors A and A2
// (district A) and B (district B), all registered through the real enrollment API.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevIssuer } from '@tutoring/shared/auth';
import type { Role } from '@tutoring/shared/auth';
import { vendorSessionsTopic } from '@tutoring/shared/contracts';
import type { ServiceName, Stack } from '@tutoring/shared/dev-stack';
import { Kafka, logLevel } from 'kafkajs';

export type DistrictKey = 'A' | 'B';

/**
 * A OneRoster 1.2 CSV district of 4 invented students in 2 schools, one teacher per grade and school, written once by
 * `tools/generators/oneroster/generate-district.ts --students 4 --schools 2 --seed 31 --canary-names` (kept as files so the matrix
 * does not start a generator process).
 */
const ROSTER_DIR = join(__dirname, 'fixtures', 'matrix-roster');

export interface Caller {
  /** e.g. `A/district_admin`, `A/vendor:A2`. */
  key: string;
  district: DistrictKey;
  districtId: string;
  roles: Role[];
  sub: string;
  vendorId?: string;
  schoolIds: string[];
  teacherId?: string;
  token: string;
}

export interface MatrixRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

export interface Owner {
  district: DistrictKey;
  vendorId?: string;
  /** The school the record belongs to (a student, an enrolment): foreign to school leaders of other schools. */
  schoolId?: string;
  /** The teachers of the student the record is about (OneRoster sourcedIds): foreign to every other teacher. */
  teacherIds?: string[];
  /** The vendors serving the student the record is about: foreign to every other vendor. */
  servedBy?: string[];
}

/**
 * Students of district A in two schools, through a real OneRoster import: the school leader of A leads `mine` only,
 * so every record of `other` is foreign to them; A's teacher teaches `teacher.students` only.
 */
export interface SchoolScope {
  mine: string;
  other: string;
  students: { mine: string[]; other: string[] };
  /** Enrolment id (identified for A's program) by student id. */
  enrolments: Record<string, string>;
  /** A's teacher: OneRoster sourcedId, and the students of their classes. */
  teacher: { id: string; students: string[] };
  /** The one student enrolled with a vendor (vendor A); every other student is served by no vendor. */
  served: { studentId: string; enrolmentId: string; vendorId: string };
}

export interface Answer {
  status: number;
  text: string;
}

export class World {
  readonly districtIds: Record<DistrictKey, string> = { A: randomUUID(), B: randomUUID() };
  readonly schoolIds: Record<DistrictKey, string> = { A: randomUUID(), B: randomUUID() };
  readonly teacherIds: Record<DistrictKey, string> = { A: randomUUID(), B: randomUUID() };
  /** Vendor ids by name: A and A2 in district A, B in district B. */
  readonly vendorIds: Record<'A' | 'A2' | 'B', string> = { A: '', A2: '', B: '' };
  /** A program per district, created through enrollment: A's lists vendor A only, B's vendor B. */
  readonly programIds: Record<DistrictKey, string> = { A: '', B: '' };
  readonly callers: Caller[] = [];
  schoolScope: SchoolScope | null = null;
  /** Per district: a contract with its own vendor (A: vendor A, B: vendor B) and its September base statement. */
  money: Record<DistrictKey, { contractId: string; statementId: string }> | null = null;
  private readonly markers: { owner: Owner; id: string }[] = [];

  constructor(
    private readonly stack: Stack,
    private readonly issuer: DevIssuer,
  ) {}

  uid(): string {
    return randomUUID().slice(0, 8);
  }

  /** Registers `id` as belonging to `owner`: it must never appear in an answer to anyone outside that owner. */
  mark(owner: Owner, id: string): void {
    this.markers.push({ owner, id });
  }

  /**
   * Ids the caller must never see: other districts'; for a vendor, other vendors'; for a school leader or a teacher,
   * records of schools that are not theirs; for a teacher, records of students they do not teach; for a vendor, records
   * of students it does not serve.
   */
  foreignIds(caller: Caller): string[] {
    const only = (role: Role) => caller.roles.every((r) => r === role);
    const schoolBound = only('school_leader') || only('teacher');
    return this.markers
      .filter(
        (m) =>
          m.owner.district !== caller.district ||
          (only('vendor') && m.owner.vendorId && m.owner.vendorId !== caller.vendorId) ||
          (only('vendor') && m.owner.servedBy && !m.owner.servedBy.includes(caller.vendorId ?? '')) ||
          (schoolBound && m.owner.schoolId && !caller.schoolIds.includes(m.owner.schoolId)) ||
          (only('teacher') && m.owner.teacherIds && !m.owner.teacherIds.includes(caller.teacherId ?? '')),
      )
      .map((m) => m.id);
  }

  async call(
    service: ServiceName,
    method: string,
    path: string,
    init: { token?: string; body?: unknown; query?: Record<string, string> } = {},
  ): Promise<Answer> {
    const query = init.query && Object.keys(init.query).length ? `?${new URLSearchParams(init.query).toString()}` : '';
    const hasBody = !['GET', 'HEAD', 'DELETE'].includes(method);
    const res = await fetch(`${this.stack.get(service).url}${path}${query}`, {
      method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(init.body ?? {}) } : {}),
    });
    return { status: res.status, text: await res.text() };
  }

  caller(key: string): Caller {
    const found = this.callers.find((c) => c.key === key);
    if (!found) throw new Error(`no caller ${key}`);
    return found;
  }

  private async mint(
    district: DistrictKey,
    key: string,
    roles: Role[],
    extra: { vendorId?: string; schoolIds?: string[]; teacherId?: string } = {},
  ): Promise<Caller> {
    const sub = `matrix-${district}-${key}`;
    const districtId = this.districtIds[district];
    const token = await this.issuer.mintToken({
      sub,
      roles,
      district_id: districtId,
      ...(extra.vendorId ? { vendor_id: extra.vendorId } : {}),
      ...(extra.schoolIds ? { school_ids: extra.schoolIds } : {}),
      ...(extra.teacherId ? { teacher_id: extra.teacherId } : {}),
    });
    return {
      key: `${district}/${key}`,
      district,
      districtId,
      roles,
      sub,
      schoolIds: extra.schoolIds ?? [],
      token,
      ...extra,
    };
  }

  /** Registers the vendors through enrollment and mints one caller per role per district (and per vendor). */
  async setUp(): Promise<void> {
    for (const d of ['A', 'B'] as const) {
      this.mark({ district: d }, this.districtIds[d]);
      this.mark({ district: d }, this.schoolIds[d]);
      this.mark({ district: d }, this.teacherIds[d]);
      this.callers.push(
        await this.mint(d, 'district_admin', ['district_admin']),
        await this.mint(d, 'program_manager', ['program_manager']),
        await this.mint(d, 'school_leader', ['school_leader'], { schoolIds: [this.schoolIds[d]] }),
        await this.mint(d, 'teacher', ['teacher'], { teacherId: this.teacherIds[d], schoolIds: [this.schoolIds[d]] }),
        await this.mint(d, 'finance', ['finance']),
      );
    }
    for (const [name, d] of [
      ['A', 'A'],
      ['A2', 'A'],
      ['B', 'B'],
    ] as const) {
      const admin = this.caller(`${d}/district_admin`);
      const res = await this.call('enrollment', 'POST', '/v1/vendors', {
        token: admin.token,
        body: { name: `Matrix ${name} ${this.uid()}` },
      });
      if (res.status !== 201) throw new Error(`registering vendor ${name}: ${res.status} ${res.text}`);
      const vendorId = (JSON.parse(res.text) as { vendorId: string }).vendorId;
      this.vendorIds[name] = vendorId;
      this.mark({ district: d, vendorId }, vendorId);
      this.callers.push(await this.mint(d, `vendor:${name}`, ['vendor'], { vendorId }));
    }
  }

  /** A school and a program in each district, through the enrollment API, marked as that district's. */
  async seedOrganisation(): Promise<void> {
    for (const d of ['A', 'B'] as const) {
      const admin = this.caller(`${d}/district_admin`);
      const school = await this.call('enrollment', 'POST', '/v1/schools', {
        token: admin.token,
        body: { name: `Matrix School ${d}` },
      });
      if (school.status !== 201) throw new Error(`creating school in ${d}: ${school.status} ${school.text}`);
      this.mark({ district: d }, (JSON.parse(school.text) as { schoolId: string }).schoolId);
      const program = await this.call('enrollment', 'POST', '/v1/programs', {
        token: admin.token,
        body: {
          name: `Matrix Program ${d}`,
          subject: 'math',
          gradeBand: { from: '6', to: '8' },
          startDate: '2026-09-07',
          endDate: '2027-05-28',
          consentMode: 'opt_out',
          vendorIds: [d === 'A' ? this.vendorIds.A : this.vendorIds.B],
        },
      });
      if (program.status !== 201) throw new Error(`creating program in ${d}: ${program.status} ${program.text}`);
      this.programIds[d] = (JSON.parse(program.text) as { programId: string }).programId;
      this.mark({ district: d }, this.programIds[d]);
    }
  }

  /**
   * A tiny OneRoster district (4 students in 2 schools, one teacher per grade and school) imported into district A.
   * A's school leader leads the first school only; A's teacher is a real teacher of the roster (token `teacher_id` =
   * their OneRoster sourcedId) who teaches one student of that school; every student is identified for A's program
   * (an enrolment); the other school gets a bell schedule. Each student and enrolment is marked with its school and
   * its teachers, worked out here from the CSV files (not from the service under test).
   */
  async seedSchoolScope(): Promise<void> {
    const admin = this.caller('A/district_admin');
    const form = new FormData();
    for (const name of readdirSync(ROSTER_DIR).filter((n) => n.endsWith('.csv')))
      form.append('files', new Blob([readFileSync(join(ROSTER_DIR, name))]), name);
    const csv = Object.fromEntries(
      ['users', 'enrollments'].map((n) => [n, parseCsv(readFileSync(join(ROSTER_DIR, `${n}.csv`), 'utf8'))]),
    );
    const res = await fetch(`${this.stack.get('enrollment').url}/v1/roster/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    if (res.status !== 200) throw new Error(`roster import: ${res.status} ${await res.text()}`);
    const purpose = { purpose: 'security matrix set-up' };
    const listed = await this.call('enrollment', 'GET', '/v1/students', {
      token: admin.token,
      query: { limit: '200', ...purpose },
    });
    const students = (JSON.parse(listed.text) as { items: { studentId: string; schoolId: string }[] }).items;
    // platform student id -> OneRoster sourcedId, through the local number (users.csv identifier)
    const sourcedOf = new Map<string, string>();
    for (const st of students) {
      const pii = await this.call('enrollment', 'GET', `/v1/students/${st.studentId}/pii`, {
        token: admin.token,
        query: purpose,
      });
      const local = (JSON.parse(pii.text) as { pii?: { localNumber?: string } }).pii?.localNumber;
      const user = (csv['users'] ?? []).find((u) => u['identifier'] === local);
      if (!user?.['sourcedId']) throw new Error(`no roster user for student ${st.studentId}: ${pii.status}`);
      sourcedOf.set(st.studentId, user['sourcedId']);
    }
    const enrolments = csv['enrollments'] ?? [];
    const classesOf = (user: string, role: string) =>
      enrolments.filter((e) => e['userSourcedId'] === user && e['role'] === role).map((e) => e['classSourcedId']);
    const teachersOf = (studentId: string) => {
      const classes = new Set(classesOf(sourcedOf.get(studentId) ?? '', 'student'));
      return [
        ...new Set(
          enrolments
            .filter((e) => e['role'] === 'teacher' && classes.has(e['classSourcedId']))
            .map((e) => e['userSourcedId'] as string),
        ),
      ];
    };
    const mine = students[0]?.schoolId;
    const other = students.find((st) => st.schoolId !== mine)?.schoolId;
    const teacher = students[0] ? teachersOf(students[0].studentId)[0] : undefined;
    if (!mine || !other || !teacher)
      throw new Error(`roster import gave no two schools and a teacher: ${listed.status} ${listed.text.slice(0, 200)}`);
    const of = (school: string) => students.filter((st) => st.schoolId === school).map((st) => st.studentId);
    const taught = students.filter((st) => teachersOf(st.studentId).includes(teacher)).map((st) => st.studentId);
    const enrolmentOf: Record<string, string> = {};
    // the teacher's first student is enrolled with vendor A (invited, not opted out, enrolled); no one else is served
    const served = taught[0] as string;
    const post = async (path: string, body?: unknown) => {
      const r = await this.call('enrollment', 'POST', path, { token: admin.token, body });
      if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 200)}`);
      return JSON.parse(r.text) as { enrolmentId: string };
    };
    for (const st of students) {
      const owner = {
        district: 'A' as const,
        schoolId: st.schoolId,
        teacherIds: teachersOf(st.studentId),
        servedBy: st.studentId === served ? [this.vendorIds.A] : [],
      };
      this.mark(owner, st.studentId);
      const { enrolmentId } = await post(`/v1/programs/${this.programIds.A}/enrolments`, { studentId: st.studentId });
      enrolmentOf[st.studentId] = enrolmentId;
      this.mark(owner, enrolmentId);
      if (st.studentId !== served) continue;
      await post(`/v1/enrolments/${enrolmentId}/invitation`);
      await post(`/v1/enrolments/${enrolmentId}/consent`, { decision: 'not_opted_out', date: '2026-09-03' });
      await post(`/v1/enrolments/${enrolmentId}/enrolment`, { vendorId: this.vendorIds.A, startDate: '2026-09-14' });
    }
    this.schoolScope = {
      mine,
      other,
      students: { mine: of(mine), other: of(other) },
      enrolments: enrolmentOf,
      teacher: { id: teacher, students: taught },
      served: { studentId: served, enrolmentId: enrolmentOf[served] as string, vendorId: this.vendorIds.A },
    };
    const set = await this.call('scheduling', 'PUT', `/v1/schools/${other}/bell-schedule`, {
      token: admin.token,
      body: BELL_SCHEDULE,
    });
    if (set.status !== 200)
      throw new Error(`bell schedule of the other school: ${set.status} ${set.text.slice(0, 200)}`);
    // the leader of A leads the first school only; A's teacher is the roster's teacher of its first student
    for (const [key, extra] of [
      ['school_leader', { schoolIds: [mine] }],
      ['teacher', { schoolIds: [mine], teacherId: teacher }],
    ] as const) {
      const index = this.callers.findIndex((c) => c.key === `A/${key}`);
      this.callers[index] = await this.mint('A', key, (this.callers[index] as Caller).roles, {
        schoolIds: [...extra.schoolIds],
        ...('teacherId' in extra ? { teacherId: extra.teacherId } : {}),
      });
    }
  }

  /** A contract and an issued base statement per district (outcomes-contracting), marked with district and vendor. */
  async seedMoney(): Promise<void> {
    const money: Partial<Record<DistrictKey, { contractId: string; statementId: string }>> = {};
    for (const d of ['A', 'B'] as const) {
      const finance = this.caller(`${d}/finance`);
      const vendorId = d === 'A' ? this.vendorIds.A : this.vendorIds.B;
      const contract = await this.call('outcomes-contracting', 'POST', '/v1/contracts', {
        token: finance.token,
        body: {
          vendorId,
          name: `Matrix contract ${d}`,
          startDate: '2026-09-01',
          endDate: '2027-06-30',
          rateCard: MATRIX_RATE_CARD,
        },
      });
      if (contract.status !== 201)
        throw new Error(`contract in ${d}: ${contract.status} ${contract.text.slice(0, 200)}`);
      const contractId = (JSON.parse(contract.text) as { contractId: string }).contractId;
      const statement = await this.call('outcomes-contracting', 'POST', `/v1/contracts/${contractId}/statements`, {
        token: finance.token,
        body: { kind: 'base', month: '2026-09' },
      });
      if (statement.status !== 201)
        throw new Error(`statement in ${d}: ${statement.status} ${statement.text.slice(0, 200)}`);
      const statementId = (JSON.parse(statement.text) as { statement: { statementId: string } }).statement.statementId;
      this.mark({ district: d, vendorId }, contractId);
      this.mark({ district: d, vendorId }, statementId);
      money[d] = { contractId, statementId };
    }
    this.money = money as Record<DistrictKey, { contractId: string; statementId: string }>;
  }

  /**
   * Gives the ledger something to leak: one unusable event on each vendor's sessions topic, so each vendor (A, A2
   * in district A, B in district B) has a rejection carrying its vendor id. Waits until each district admin sees
   * its own district's rejections.
   */
  async seedLedgerRejections(brokers: string): Promise<void> {
    const producer = new Kafka({
      clientId: 'matrix',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    const deadline = Date.now() + 60_000;
    try {
      for (const [name, district] of [
        ['A', 'A'],
        ['A2', 'A'],
        ['B', 'B'],
      ] as const) {
        const vendorId = this.vendorIds[name];
        const districtId = this.districtIds[district];
        // a well-formed CloudEvent of the vendor's district whose session lacks every required field
        const headers = {
          ce_specversion: '1.0',
          ce_id: randomUUID(),
          ce_source: `urn:tutoring:vendor:${vendorId}`,
          ce_type: 'org.tutoring.session.delivered.v1',
          ce_time: new Date().toISOString(),
          ce_districtid: districtId,
          'content-type': 'application/json',
        };
        const value = JSON.stringify({ sessionId: `matrix-${name}`, vendorId, districtId });
        // the ledger opens the vendor's topics when it consumes the registration: retry until it has
        for (;;) {
          try {
            await producer.send({
              topic: vendorSessionsTopic(vendorId),
              messages: [{ key: `matrix-${name}`, value, headers }],
            });
            break;
          } catch (error) {
            if (Date.now() > deadline) throw error;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      }
    } finally {
      await producer.disconnect();
    }
    for (const [d, expected] of [
      ['A', [this.vendorIds.A, this.vendorIds.A2]],
      ['B', [this.vendorIds.B]],
    ] as const) {
      const admin = this.caller(`${d}/district_admin`);
      for (;;) {
        const answer = await this.call('session-ledger', 'GET', '/v1/ingest/rejections', { token: admin.token });
        if (expected.every((id) => answer.text.includes(id))) break;
        if (Date.now() > deadline)
          throw new Error(
            `ledger rejections of district ${d} never appeared: ${answer.status} ${answer.text.slice(0, 300)}`,
          );
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

/** A valid weekly bell schedule (the body of PUT /v1/schools/{schoolId}/bell-schedule). */
export const BELL_SCHEDULE = {
  rotation: { kind: 'weekly' },
  dayTypes: [{ dayType: '*', periods: [{ code: 'P1', start: '08:00', end: '08:50' }] }],
};

/** Rows of a small, quote-free CSV file (the generator's), keyed by header. */
function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const names = (head ?? '').split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i] ?? String(i), v])));
}

/** A small valid rate card (base pay only) for the matrix's contracts. */
const MATRIX_RATE_CARD = {
  base: { unit: 'student_hour', unitPriceCents: 4000, hourRounding: 'quarter_hour_down' },
  attendanceGateBp: 7000,
  outcome: null,
  declinePenalty: null,
  holdbackBp: 0,
  capPerStudentCents: null,
  capPerContractCents: null,
  settlementWindows: [],
};
