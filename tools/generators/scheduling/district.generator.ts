// A synthetic district for the auto-scheduler, deterministic from a seed, built around a planted schedule so a
// full-dose placement of every student is known to exist. Planting: per school, groups of `maxGroupSize` students
// (one vendor, one grade band) each get a weekly pattern (the same period on `sessionsPerWeek` weekdays) and a
// tutor; a tutor gets up to two planted groups in different periods. Everyone then gets noise on top: students are
// free in extra periods, tutors available in extra cells, spare tutors are added (some not cleared, some qualified
// for another subject only), and capacities get slack. No PII: ids are random UUIDs from the seeded generator.
//
// Every third school runs a rotating A/B bell schedule (B days one period shorter: no last period), alternating
// over its instructional days (holidays do not shift it), so each weekday is sometimes an A day and sometimes a B
// day. There, free periods and availability are per day type ('A/1:P3' = period 3 of an A day falling on a
// Monday), a planted group meets on its three weekdays in one period on A days and one (maybe another) on B days,
// and the noise includes periods free on A days only — a rotation-blind scheduler would put groups there.

export interface GeneratedStudent {
  studentId: string;
  schoolId: string;
  grade: string;
  vendorId: string | null;
  free: string[];
}

export interface GeneratedTutor {
  tutorId: string;
  vendorId: string;
  schoolIds: string[];
  subjects: string[];
  gradeBands: { from: string; to: string }[];
  clearedUntil: string | null;
  active: boolean;
  maxGroups: number;
  available: Record<string, string[]>;
}

export interface GeneratedDistrict {
  seed: number;
  program: {
    programId: string;
    subject: string;
    maxGroupSize: number;
    sessionsPerWeek: number;
    minutesPerSession: number;
    endDate: string;
  };
  weekdays: number[];
  periodsBySchool: Record<string, string[]>;
  students: GeneratedStudent[];
  tutors: GeneratedTutor[];
  /** The planted schedule (for reference: a proof that a full-dose schedule exists). */
  planted: {
    schoolId: string;
    tutorId: string;
    studentIds: string[];
    weekdays: number[];
    period: string;
    periodsByDayType: Record<string, string> | null;
  }[];
  /** Rotating schools as the scheduler sees them: periods per day type, day types per weekday over the horizon. */
  rotatingSchools: Record<string, { periods: Record<string, string[]>; dayTypesOn: Record<string, string[]> }>;
  /** The rotating schools' instructional days with their day type (the ground truth the validator counts on). */
  calendars: Record<string, { date: string; weekday: number; dayType: string }[]>;
}

export interface DistrictShape {
  seed: number;
  schools: number;
  studentsPerSchool: number;
  tutorsPerSchool: number;
  vendors: number;
  periods: number;
  /** Every n-th school runs a rotating A/B schedule (1 = all of them); default 3. */
  rotatingEvery?: number;
}

export const FULL_DISTRICT: DistrictShape = {
  seed: 20261123,
  schools: 30,
  studentsPerSchool: 200,
  tutorsPerSchool: 50,
  vendors: 3,
  periods: 7,
};

/** mulberry32: small, fast, good enough for test data, identical on every platform. */
const rng = (seed: number) => {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const BANDS = [
  { from: 'K', to: '2', grades: ['K', '1', '2'] },
  { from: '3', to: '5', grades: ['3', '4', '5'] },
  { from: '6', to: '8', grades: ['6', '7', '8'] },
];
const TRIPLES = [
  [1, 3, 5],
  [1, 2, 4],
  [2, 4, 5],
  [1, 2, 3],
  [3, 4, 5],
  [1, 3, 4],
  [2, 3, 5],
  [1, 2, 5],
  [1, 4, 5],
  [2, 3, 4],
];

/** Ten weeks of instructional days from Monday 2027-01-04, two Monday holidays, A/B alternating over them. */
const rotatingCalendar = (): { date: string; weekday: number; dayType: string }[] => {
  const holidays = new Set(['2027-01-18', '2027-02-15']);
  const out: { date: string; weekday: number; dayType: string }[] = [];
  for (let i = 0; i < 70; i++) {
    const d = new Date(Date.UTC(2027, 0, 4 + i));
    const weekday = ((d.getUTCDay() + 6) % 7) + 1;
    const date = d.toISOString().slice(0, 10);
    if (weekday > 5 || holidays.has(date)) continue;
    out.push({ date, weekday, dayType: out.length % 2 === 0 ? 'A' : 'B' });
  }
  return out;
};

export const generateDistrict = (shape: DistrictShape = FULL_DISTRICT): GeneratedDistrict => {
  const r = rng(shape.seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => int(16).toString(16));
    h[12] = '4';
    h[16] = (8 + int(4)).toString(16);
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  const maxGroupSize = 4;
  const weekdays = [1, 2, 3, 4, 5];
  const periods = Array.from({ length: shape.periods }, (_, i) => `P${i + 1}`);
  const vendors = Array.from({ length: shape.vendors }, uuid);
  const program = {
    programId: uuid(),
    subject: 'math',
    maxGroupSize,
    sessionsPerWeek: 3,
    minutesPerSession: 30,
    endDate: '2027-06-11',
  };
  const district: GeneratedDistrict = {
    seed: shape.seed,
    program,
    weekdays,
    periodsBySchool: {},
    students: [],
    tutors: [],
    planted: [],
    rotatingSchools: {},
    calendars: {},
  };

  for (let sc = 0; sc < shape.schools; sc++) {
    const schoolId = uuid();
    district.periodsBySchool[schoolId] = periods;
    // Day types of this school and their periods; '*' alone = weekly. `cellsOf` = what meeting on `days` in the
    // period chosen per day type occupies, on every day type that falls on those weekdays.
    const every = shape.rotatingEvery ?? 3;
    const rotating = sc % every === every - 1;
    const typePeriods: Record<string, string[]> = rotating
      ? { A: periods, B: periods.slice(0, Math.max(1, periods.length - 1)) }
      : { '*': periods };
    const typesOn: Record<string, string[]> = {};
    if (rotating) {
      const calendar = rotatingCalendar();
      district.calendars[schoolId] = calendar;
      for (const day of calendar) {
        const types = (typesOn[String(day.weekday)] ??= []);
        if (!types.includes(day.dayType)) types.push(day.dayType);
      }
      for (const types of Object.values(typesOn)) types.sort();
      district.rotatingSchools[schoolId] = { periods: typePeriods, dayTypesOn: typesOn };
    } else for (const d of weekdays) typesOn[String(d)] = ['*'];
    const cell = (d: number, p: string, t: string) => (t === '*' ? `${d}:${p}` : `${t}/${d}:${p}`);
    const cellsOf = (days: number[], choice: Record<string, string>) =>
      days.flatMap((d) => (typesOn[String(d)] ?? []).map((t) => cell(d, choice[t]!, t)));
    const schoolBands = sc % 2 === 0 ? [BANDS[0]!, BANDS[1]!] : [BANDS[1]!, BANDS[2]!];
    const groups = Math.ceil(shape.studentsPerSchool / maxGroupSize);
    const newTutor = (): GeneratedTutor => ({
      tutorId: uuid(),
      vendorId: pick(vendors),
      schoolIds: [schoolId],
      subjects: ['math'],
      gradeBands: [],
      clearedUntil: '2027-08-31',
      active: true,
      maxGroups: 0,
      available: { [schoolId]: [] },
    });
    const tutors: GeneratedTutor[] = Array.from({ length: shape.tutorsPerSchool }, newTutor);
    const plantedTutors = Math.max(1, Math.min(Math.ceil(groups * 0.6), tutors.length));
    const tutorBand = new Map<GeneratedTutor, (typeof BANDS)[number]>();
    const tutorPeriods = new Map<GeneratedTutor, Set<string>>(); // 'dayType:period' the tutor has a group in
    const hasRoom = (t: GeneratedTutor) =>
      Object.entries(typePeriods).every(([type, ps]) => ps.some((p) => !tutorPeriods.get(t)?.has(`${type}:${p}`)));
    let studentsLeft = shape.studentsPerSchool;
    for (let g = 0; g < groups; g++) {
      // Round robin over the planted tutors; a tutor never gets two planted groups in one period (a tutor with no
      // period left is skipped, and a new tutor is added when none is left: the planted schedule stays valid).
      let tutor: GeneratedTutor | undefined;
      for (let k = 0; k < plantedTutors && !tutor; k++) {
        const candidate = tutors[(g + k) % plantedTutors]!;
        if (hasRoom(candidate)) tutor = candidate;
      }
      if (!tutor) {
        tutor = newTutor();
        tutors.push(tutor);
      }
      const band = tutorBand.get(tutor) ?? pick(schoolBands);
      tutorBand.set(tutor, band);
      const used = tutorPeriods.get(tutor) ?? new Set<string>();
      const choice: Record<string, string> = {};
      for (const [type, ps] of Object.entries(typePeriods)) {
        const free = ps.filter((p) => !used.has(`${type}:${p}`));
        // Half the time the same period on every day type when it can be, otherwise any period the tutor has free.
        const same = Object.values(choice)[0];
        choice[type] = same && free.includes(same) && r() < 0.5 ? same : pick(free);
        used.add(`${type}:${choice[type]}`);
      }
      tutorPeriods.set(tutor, used);
      const days = pick(TRIPLES);
      const cells = cellsOf(days, choice);
      const period = Object.values(choice)[0]!;
      tutor.maxGroups++;
      tutor.available[schoolId]!.push(...cells);
      if (!tutor.gradeBands.some((b) => b.from === band.from)) tutor.gradeBands.push({ from: band.from, to: band.to });
      const size = Math.min(maxGroupSize, studentsLeft);
      studentsLeft -= size;
      const members: GeneratedStudent[] = Array.from({ length: size }, () => ({
        studentId: uuid(),
        schoolId,
        grade: pick(band.grades),
        vendorId: tutor.vendorId,
        free: [...cells],
      }));
      district.students.push(...members);
      district.planted.push({
        schoolId,
        tutorId: tutor.tutorId,
        studentIds: members.map((m) => m.studentId),
        weekdays: days,
        period,
        periodsByDayType: rotating ? choice : null,
      });
    }
    // Spare tutors: a third cannot be used (not cleared / expired / other subject only), the rest add real choices.
    tutors.forEach((t, i) => {
      if (t.maxGroups > 0) return;
      const band = pick(schoolBands);
      t.gradeBands.push({ from: band.from, to: band.to });
      t.maxGroups = 1 + int(2);
      if (i % 3 === 0) t.clearedUntil = pick([null, '2026-12-31']);
      if (i % 3 === 1 && r() < 0.5) t.subjects = ['ela'];
    });
    // Noise: slack capacity, extra availability, extra free periods.
    for (const t of tutors) {
      if (r() < 0.3) t.maxGroups++;
      const cells = new Set(t.available[schoolId]);
      for (const [type, ps] of Object.entries(typePeriods))
        for (const p of ps) for (const d of weekdays) if (r() < 0.3) cells.add(cell(d, p, type));
      t.available[schoolId] = [...cells].sort();
    }
    for (const s of district.students.filter((x) => x.schoolId === schoolId)) {
      const free = new Set(s.free);
      // Extra free periods; on a rotating school each on one day type only (free on A days, busy on B days).
      for (let k = 0; k < 2; k++) {
        const type = pick(Object.keys(typePeriods));
        const p = pick(typePeriods[type]!);
        for (const d of weekdays) if (r() < 0.6) free.add(cell(d, p, type));
      }
      s.free = [...free].sort();
    }
    district.tutors.push(...tutors);
  }
  // Shuffle students so input order does not give the planted groups away to a first-fit baseline.
  for (let i = district.students.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [district.students[i], district.students[j]] = [district.students[j]!, district.students[i]!];
  }
  return district;
};
