// Grades as the roster spells them ('PK', 'K', '1'..'12') and the grade bands groups are formed within.

const ORDER: Record<string, number> = { PK: -1, K: 0 };
for (let g = 1; g <= 12; g++) ORDER[String(g)] = g;

export const gradeRank = (grade: string): number => {
  const rank = ORDER[grade];
  if (rank === undefined) throw new Error(`unknown grade: ${grade}`);
  return rank;
};

export const isGrade = (grade: string): boolean => ORDER[grade] !== undefined;

export interface GradeRange {
  from: string;
  to: string;
}

export const inRange = (grade: string, range: GradeRange): boolean =>
  gradeRank(grade) >= gradeRank(range.from) && gradeRank(grade) <= gradeRank(range.to);

/**
 * The instructional band a grade belongs to (PK–2, 3–5, 6–8, 9–12). Students of one group share a band: that is
 * what "compatible grade band" means here, so a 2nd grader is never grouped with a 4th grader.
 */
export const gradeBandOf = (grade: string): string => {
  const r = gradeRank(grade);
  if (r <= 2) return 'K-2';
  if (r <= 5) return '3-5';
  if (r <= 8) return '6-8';
  return '9-12';
};
