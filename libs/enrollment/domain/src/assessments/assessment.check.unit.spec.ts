import { checkAssessments } from './assessment.check';

const header = 'localStudentId,schoolYear,window,subject,scaleScore,percentile,growthPercentile';

describe('assessment file check', () => {
  it('reads valid rows, growth percentile optional', () => {
    const { rows, errors } = checkAssessments(
      'a.csv',
      `${header}\nS1,2026-2027,BOY,math,212,31,\nS2,2026-2027,MOY,ela,230,55,61\n`,
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        localStudentId: 'S1',
        schoolYear: '2026-2027',
        window: 'BOY',
        subject: 'math',
        scaleScore: 212,
        percentile: 31,
        growthPercentile: null,
      },
      {
        line: 3,
        localStudentId: 'S2',
        schoolYear: '2026-2027',
        window: 'MOY',
        subject: 'ela',
        scaleScore: 230,
        percentile: 55,
        growthPercentile: 61,
      },
    ]);
  });

  it('reports each bad value with line and column, and duplicates', () => {
    const text = `${header}\nS1,2026,BOY,math,212,31,\nS2,2026-2027,FALL,math,x,101,\nS3,2026-2027,BOY,math,200,10,\nS3,2026-2027,BOY,math,201,11,\n`;
    const { rows, errors } = checkAssessments('a.csv', text);
    expect(rows.map((r) => r.localStudentId)).toEqual(['S3']);
    expect(errors.map((e) => `${e.line}:${e.column}`)).toEqual([
      '2:schoolYear',
      '3:window',
      '3:scaleScore',
      '3:percentile',
      '5:localStudentId',
    ]);
  });

  it('refuses a wrong header and an empty file', () => {
    expect(checkAssessments('a.csv', 'studentName,score\n').errors[0]).toMatchObject({
      line: 1,
      column: 'studentName',
    });
    expect(checkAssessments('a.csv', '').errors[0]).toMatchObject({ reason: expect.stringMatching(/empty/) });
  });
});
