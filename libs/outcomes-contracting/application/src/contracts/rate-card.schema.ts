// The HTTP shape of a rate card, as a strict JSON Schema (no unknown property anywhere), checked before the
// domain's own rules (rateCardErrors). class-validator would need a class per nested object for the same result.
import Ajv from 'ajv';
import { BASE_UNITS, HOUR_ROUNDINGS, OUTCOME_METRICS, type RateCard } from '@tutoring/outcomes-contracting/domain';

const int = { type: 'integer' };
const nullableInt = { type: ['integer', 'null'] };
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const strict = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});

export const rateCardSchema = strict({
  base: strict({ unit: { enum: [...BASE_UNITS] }, unitPriceCents: int, hourRounding: { enum: [...HOUR_ROUNDINGS] } }),
  attendanceGateBp: int,
  outcome: {
    oneOf: [
      { type: 'null' },
      strict({
        metric: { enum: [...OUTCOME_METRICS] },
        subject: { type: 'string', minLength: 1, maxLength: 32 },
        schoolYear: { type: 'string', minLength: 4, maxLength: 16 },
        tiers: { type: 'array', maxItems: 20, items: strict({ min: { type: 'number' }, cents: int }) },
      }),
    ],
  },
  declinePenalty: { oneOf: [{ type: 'null' }, strict({ below: { type: 'number' }, cents: int })] },
  holdbackBp: int,
  capPerStudentCents: nullableInt,
  capPerContractCents: nullableInt,
  settlementWindows: {
    type: 'array',
    maxItems: 2,
    items: strict({ window: { enum: ['MOY', 'EOY'] }, baseline: { enum: ['BOY', 'MOY'] }, periodEnd: date }),
  },
});

const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(rateCardSchema);

export const rateCardShapeErrors = (value: unknown): { path: string; code: string; message: string }[] =>
  validate(value)
    ? []
    : (validate.errors ?? []).map((e) => ({
        path: `rateCard${e.instancePath.replace(/\//g, '.')}`,
        code: e.keyword,
        message: e.message ?? 'invalid',
      }));

export const isRateCardShape = (value: unknown): value is RateCard => validate(value);
