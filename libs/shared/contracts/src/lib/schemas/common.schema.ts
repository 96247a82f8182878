// Reusable JSON Schema (draft-07) fragments. Every event schema is assembled from these by value (no $ref),
// so each exported schema is self-contained and can be copied verbatim into the AsyncAPI document.
import {
  MAX_COMMENT_LENGTH,
  MAX_REASON_LENGTH,
  QUANTITY_PATTERN,
  MAX_QUANTITY_LENGTH,
  SESSION_ID_PATTERN,
  UUID_PATTERN,
} from '../limits';

export type JsonSchema = { readonly [key: string]: unknown };

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

export const uuid = (description: string): JsonSchema => ({
  type: 'string',
  pattern: UUID_PATTERN,
  description: `${description} (lowercase UUID)`,
});

export const nullableUuid = (description: string): JsonSchema => ({
  type: ['string', 'null'],
  pattern: UUID_PATTERN,
  description: `${description} (lowercase UUID, or null)`,
});

export const timestamp = (description: string): JsonSchema => ({
  type: 'string',
  format: 'date-time',
  description: `${description} (RFC 3339 date-time with offset; leap seconds not accepted)`,
});

export const localDate = (description: string): JsonSchema => ({
  type: 'string',
  format: 'date',
  description: `${description} (local date YYYY-MM-DD)`,
});

export const sessionId = (): JsonSchema => ({
  type: 'string',
  pattern: SESSION_ID_PATTERN,
  description: "The vendor's own session id, unique per vendor: 1..128 chars of [A-Za-z0-9._:-]",
});

export const boundedString = (description: string, minLength: number, maxLength: number): JsonSchema => ({
  type: 'string',
  minLength,
  maxLength,
  description,
});

export const reason = (): JsonSchema => boundedString('Why, for humans', 1, MAX_REASON_LENGTH);

export const comment = (): JsonSchema => boundedString('Free-text comment (no student PII)', 0, MAX_COMMENT_LENGTH);

export const enumOf = (values: readonly string[], description: string): JsonSchema => ({
  type: 'string',
  enum: [...values],
  description,
});

export const integer = (description: string, minimum: number, maximum: number): JsonSchema => ({
  type: 'integer',
  minimum,
  maximum,
  description,
});

export const cents = (description: string): JsonSchema =>
  integer(`${description} (integer cents)`, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);

export const quantity = (): JsonSchema => ({
  type: 'string',
  pattern: QUANTITY_PATTERN,
  maxLength: MAX_QUANTITY_LENGTH,
  description: 'Decimal string, never a float, e.g. "12.5"',
});

/** A closed object: every listed property is required unless in `optional`, nothing else is allowed. */
export const object = (
  description: string,
  properties: Record<string, JsonSchema>,
  optional: readonly string[] = [],
): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: false,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});

export const arrayOf = (items: JsonSchema, minItems: number, maxItems: number, description: string): JsonSchema => ({
  type: 'array',
  minItems,
  maxItems,
  items,
  description,
});

/** Top-level event data schema: the dialect and the CloudEvents type as title. */
export const eventSchema = (type: string, body: JsonSchema): JsonSchema =>
  deepFreeze({ $schema: JSON_SCHEMA_DIALECT, title: type, ...body });

export const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};
