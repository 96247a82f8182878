import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { validationPipe } from '@tutoring/shared/service-kit';
import { StudentListQueryDto } from './students.controller';

// The student list's query joins the purpose (audit) and the shared offset page by IntersectionType: both halves'
// validation and conversion must survive the join, through the same pipe every service mounts.
const query = { type: 'query' as const, metatype: StudentListQueryDto, data: '' };
const parse = (value: Record<string, string>): Promise<unknown> =>
  validationPipe()
    .transform(value, query)
    .then(
      (dto: unknown) => dto,
      (e: unknown) => (e instanceof BadRequestException ? (e.getResponse() as { message: unknown }).message : e),
    );

describe('the student list query', () => {
  it('converts the page values from the query string to numbers', async () => {
    const dto = await parse({ purpose: 'weekly check', limit: '20', offset: '40', grade: '7' });
    expect(dto).toBeInstanceOf(StudentListQueryDto);
    expect(dto).toMatchObject({ purpose: 'weekly check', limit: 20, offset: 40, grade: '7' });
  });

  it('requires a purpose', async () => {
    const errors = (await parse({ limit: '20' })) as string[];
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.startsWith('purpose '))).toBe(true);
  });

  it('refuses a page larger than the cap and a negative offset, naming the field', async () => {
    const errors = (await parse({ purpose: 'weekly check', limit: '500', offset: '-1' })) as string[];
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^limit /), expect.stringMatching(/^offset /)]),
    );
    expect(errors).toHaveLength(2);
  });
});
