// One school's assignment MILP. Students pick at most one weekly pattern (x, continuous: for fixed groups the
// student side is a bipartite transportation problem, so its LP is integral); tutors open groups (y, binary) at
// a pattern for a bucket (vendor + grade band). Hard rules are constraints: group size via bucket capacity,
// tutors never double-booked (one group per cell), tutor capacity, eligibility by construction.
import type {
  AutoScheduleInput,
  AutoScheduleStudent,
  AutoScheduleTutor,
  MilpModel,
  Pattern,
  ProposedGroup,
} from './auto-schedule.types';
import { bucketOf, tutorFits, type TutorUsage } from './eligibility';
import { fits } from './patterns';

/** Cost of opening a group, in students: small enough that placing one more student always wins. */
export const GROUP_COST = 0.01;

interface XCol {
  student: AutoScheduleStudent;
  pattern: Pattern;
  bucket: string;
}
interface YCol {
  tutor: AutoScheduleTutor;
  pattern: Pattern;
  bucket: string;
}

export interface SchoolModel {
  model: MilpModel;
  xs: XCol[];
  ys: YCol[];
}

export interface SchoolProblem {
  schoolId: string;
  input: AutoScheduleInput;
  students: AutoScheduleStudent[];
  patterns: Pattern[];
  usage: Map<string, TutorUsage>;
}

/** Cells the tutor can still use at this school. */
export const tutorCells = (t: AutoScheduleTutor, schoolId: string, usage: Map<string, TutorUsage>): Set<string> => {
  const busy = usage.get(t.tutorId)?.busy;
  return new Set((t.available[schoolId] ?? []).filter((c) => !busy?.has(c)));
};

export const remainingCapacity = (t: AutoScheduleTutor, usage: Map<string, TutorUsage>): number =>
  t.maxGroups - (usage.get(t.tutorId)?.groups ?? 0);

export const buildSchoolModel = (p: SchoolProblem): SchoolModel => {
  const { input, schoolId, patterns } = p;
  const program = input.program;
  const freeOf = new Map(p.students.map((s) => [s.studentId, new Set(s.free)]));
  const byBand = new Map<string, AutoScheduleStudent[]>();
  for (const s of p.students) byBand.set(bucketOf(s), [...(byBand.get(bucketOf(s)) ?? []), s]);

  // A bucket is who may share a group and which tutors may lead it. The band bucket takes the tutors who teach every
  // grade present; a tutor covering only some grades (e.g. 3–4 of 3–5) gets a per-grade bucket of its own.
  const buckets: { key: string; members: AutoScheduleStudent[]; tutors: AutoScheduleTutor[] }[] = [];
  for (const [key, members] of byBand) {
    const vendorId = members[0]?.vendorId ?? '';
    const grades = [...new Set(members.map((s) => s.grade))].sort();
    const usable = input.tutors.filter(
      (t) => remainingCapacity(t, p.usage) > 0 && tutorFits(t, program, schoolId, vendorId, []),
    );
    const full = usable.filter((t) => tutorFits(t, program, schoolId, vendorId, grades));
    buckets.push({ key, members, tutors: full });
    if (grades.length > 1)
      for (const g of grades) {
        const partial = usable.filter((t) => !full.includes(t) && tutorFits(t, program, schoolId, vendorId, [g]));
        if (partial.length)
          buckets.push({ key: `${key}|${g}`, members: members.filter((s) => s.grade === g), tutors: partial });
      }
  }

  const ys: YCol[] = [];
  const xs: XCol[] = [];
  for (const { key: bucket, members, tutors } of buckets) {
    const studentPatterns = new Set(
      patterns.filter((pt) => members.some((s) => fits(pt, freeOf.get(s.studentId) ?? new Set()))).map((pt) => pt.id),
    );
    const covered = new Set<number>();
    for (const t of tutors) {
      const cells = tutorCells(t, schoolId, p.usage);
      for (const pt of patterns)
        if (studentPatterns.has(pt.id) && fits(pt, cells)) {
          ys.push({ tutor: t, pattern: pt, bucket });
          covered.add(pt.id);
        }
    }
    for (const s of members) {
      const free = freeOf.get(s.studentId) ?? new Set<string>();
      for (const pt of patterns) if (covered.has(pt.id) && fits(pt, free)) xs.push({ student: s, pattern: pt, bucket });
    }
  }

  const n = xs.length + ys.length;
  const cost = [...xs.map(() => 1), ...ys.map(() => -GROUP_COST)];
  const rows: MilpModel['rows'] = [];
  const group = <K>(items: { key: K; col: number; value: number }[]) => {
    const m = new Map<K, { indices: number[]; values: number[] }>();
    for (const it of items) {
      const row = m.get(it.key) ?? { indices: [], values: [] };
      row.indices.push(it.col);
      row.values.push(it.value);
      m.set(it.key, row);
    }
    return m;
  };
  // each student at most one pattern
  for (const r of group(xs.map((x, i) => ({ key: x.student.studentId, col: i, value: 1 }))).values())
    rows.push({ ...r, lower: -Infinity, upper: 1 });
  // bucket capacity per pattern: Σ students ≤ maxGroupSize · groups opened
  const cap = group([
    ...xs.map((x, i) => ({ key: `${x.bucket}#${x.pattern.id}`, col: i, value: 1 })),
    ...ys.map((y, j) => ({ key: `${y.bucket}#${y.pattern.id}`, col: xs.length + j, value: -program.maxGroupSize })),
  ]);
  for (const r of cap.values()) rows.push({ ...r, lower: -Infinity, upper: 0 });
  // strong linking (as in facility location): a student uses a pattern only if a group of their bucket opens there.
  // Redundant for integers, but it tightens the LP relaxation enough that most schools solve at the root.
  const opened = group(ys.map((y, j) => ({ key: `${y.bucket}#${y.pattern.id}`, col: xs.length + j, value: -1 })));
  xs.forEach((x, i) => {
    const r = opened.get(`${x.bucket}#${x.pattern.id}`);
    if (r) rows.push({ indices: [i, ...r.indices], values: [1, ...r.values], lower: -Infinity, upper: 0 });
  });
  // a tutor teaches at most one group per cell
  const cells = group(
    ys.flatMap((y, j) =>
      y.pattern.cells.map((c) => ({ key: `${y.tutor.tutorId}@${c}`, col: xs.length + j, value: 1 })),
    ),
  );
  for (const r of cells.values()) if (r.indices.length > 1) rows.push({ ...r, lower: -Infinity, upper: 1 });
  // tutor capacity
  const perTutor = group(ys.map((y, j) => ({ key: y.tutor.tutorId, col: xs.length + j, value: 1 })));
  for (const [tutorId, r] of perTutor) {
    const t = ys[r.indices[0]! - xs.length]?.tutor;
    const capacity = t ? remainingCapacity(t, p.usage) : 0;
    if (r.indices.length > capacity) rows.push({ ...r, lower: -Infinity, upper: capacity });
    void tutorId;
  }
  return {
    xs,
    ys,
    model: {
      cost,
      lower: new Array<number>(n).fill(0),
      upper: new Array<number>(n).fill(1),
      integer: [...xs.map(() => false), ...ys.map(() => true)],
      rows,
    },
  };
};

/** Turns a solution into groups: opened groups get the students the solution put in their bucket and pattern. */
export const decodeSchool = (p: SchoolProblem, m: SchoolModel, values: ArrayLike<number>): ProposedGroup[] => {
  const max = p.input.program.maxGroupSize;
  const open = new Map<string, ProposedGroup[]>();
  m.ys.forEach((y, j) => {
    if ((values[m.xs.length + j] ?? 0) < 0.5) return;
    const key = `${y.bucket}#${y.pattern.id}`;
    const [vendorId = '', gradeBand = ''] = y.bucket.split('|');
    open.set(key, [
      ...(open.get(key) ?? []),
      {
        schoolId: p.schoolId,
        vendorId,
        tutorId: y.tutor.tutorId,
        gradeBand,
        studentIds: [],
        weekdays: y.pattern.weekdays,
        period: y.pattern.period,
        periodsByDayType: y.pattern.periodsByDayType,
        cells: y.pattern.cells,
      },
    ]);
  });
  const chosen = m.xs
    .map((x, i) => ({ x, v: values[i] ?? 0 }))
    .filter((c) => c.v > 0.5)
    .sort((a, b) => b.v - a.v);
  const placed = new Set<string>();
  for (const { x } of chosen) {
    if (placed.has(x.student.studentId)) continue;
    const target = open.get(`${x.bucket}#${x.pattern.id}`)?.find((g) => g.studentIds.length < max);
    if (!target) continue;
    target.studentIds.push(x.student.studentId);
    placed.add(x.student.studentId);
  }
  return [...open.values()].flat();
};
