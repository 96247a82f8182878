// A synthetic district for the auto-scheduler, deterministic from a seed, built around a planted schedule so a
// full-dose placement of every student is known to exist. Planting: per school, groups of `maxGroupSize` students
// (one vendor, one grade band) each get a weekly pattern (the same period on `sessionsPerWeek` weekdays) and a
// tutor; a tutor gets up to two planted groups in different periods. Everyone then gets noise on top: students are
// free in extra periods, tutors available in extra cells, spare tutors are added (some not cleared, some qualified
// for another subject only), and capacities get slack. No PII: ids are random UUIDs from the seeded generator.

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
  planted: { schoolId: string; tutorId: string; studentIds: string[]; weekdays: number[]; period: string }[];
}

export interface DistrictShape {
  seed: number;
  schools: number;
  studentsPerSchool: number;
  tutorsPerSchool: number;
  vendors: number;
  periods: number;
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
  };

  for (let sc = 0; sc < shape.schools; sc++) {
    const schoolId = uuid();
    district.periodsBySchool[schoolId] = periods;
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
    const tutorPeriods = new Map<GeneratedTutor, Set<string>>();
    let studentsLeft = shape.studentsPerSchool;
    for (let g = 0; g < groups; g++) {
      // Round robin over the planted tutors; a tutor never gets two planted groups in one period (a tutor with no
      // period left is skipped, and a new tutor is added when none is left: the planted schedule stays valid).
      let tutor: GeneratedTutor | undefined;
      for (let k = 0; k < plantedTutors && !tutor; k++) {
        const candidate = tutors[(g + k) % plantedTutors]!;
        if ((tutorPeriods.get(candidate)?.size ?? 0) < periods.length) tutor = candidate;
      }
      if (!tutor) {
        tutor = newTutor();
        tutors.push(tutor);
      }
      const band = tutorBand.get(tutor) ?? pick(schoolBands);
      tutorBand.set(tutor, band);
      const used = tutorPeriods.get(tutor) ?? new Set<string>();
      const period = pick(periods.filter((p) => !used.has(p)));
      used.add(period);
      tutorPeriods.set(tutor, used);
      const days = pick(TRIPLES);
      const cells = days.map((d) => `${d}:${period}`);
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
      for (const p of periods) for (const d of weekdays) if (r() < 0.3) cells.add(`${d}:${p}`);
      t.available[schoolId] = [...cells].sort();
    }
    for (const s of district.students.filter((x) => x.schoolId === schoolId)) {
      const free = new Set(s.free);
      for (let k = 0; k < 2; k++) {
        const p = pick(periods);
        for (const d of weekdays) if (r() < 0.6) free.add(`${d}:${p}`);
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
