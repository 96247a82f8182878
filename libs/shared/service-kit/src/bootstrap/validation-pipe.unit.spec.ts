import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import { validationPipe } from './validation-pipe';

class LineDto {
  @IsString()
  studentId!: string;
}

class BodyDto {
  @IsInt()
  minutes!: number;

  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines!: LineDto[];
}

const body = { type: 'body' as const, metatype: BodyDto, data: '' };
const refusal = async (value: unknown): Promise<unknown> =>
  validationPipe()
    .transform(value, body)
    .then(
      () => 'accepted',
      (e: unknown) => (e instanceof BadRequestException ? (e.getResponse() as { message: unknown }).message : e),
    );

describe('the global validation pipe', () => {
  it('accepts a valid body and turns it into the DTO', async () => {
    const out = await validationPipe().transform({ minutes: 30, lines: [{ studentId: 's1' }] }, body);
    expect(out).toBeInstanceOf(BodyDto);
    expect(out).toEqual(
      Object.assign(new BodyDto(), { minutes: 30, lines: [Object.assign(new LineDto(), { studentId: 's1' })] }),
    );
  });

  it('refuses an unknown key, naming it', async () => {
    expect(await refusal({ minutes: 30, lines: [], extra: 1 })).toEqual(['property extra should not exist']);
  });

  it('refuses keys named after Object.prototype members at any depth, which class-transformer would drop unseen', async () => {
    const parsed = JSON.parse(
      '{"minutes":30,"toString":1,"lines":[{"studentId":"s1","__proto__":{"x":1}}]}',
    ) as unknown;
    expect(await refusal(parsed)).toEqual([
      'property toString should not exist',
      'property lines[0].__proto__ should not exist',
    ]);
  });

  it('leaves values that are not validated (no DTO class) alone', async () => {
    const raw = { toString: 1 };
    expect(await validationPipe().transform(raw, { type: 'body', metatype: Object, data: '' })).toBe(raw);
  });
});
