// class-validator decorators that reuse the exact checks of the JSON Schema path (same regex, same
// format functions), so an HTTP DTO and a Kafka message get the same verdict.
import { Matches, ValidateBy, ValidateIf, type ValidationArguments } from 'class-validator';
import type { EventType } from '../event-types';
import { isLocalDate, isTimestamp } from '../formats';
import { UUID_PATTERN } from '../limits';
import { crossFieldErrors } from '../validation/cross-field.rules';

export const IsContractUuid = (): PropertyDecorator =>
  Matches(new RegExp(UUID_PATTERN), { message: '$property must be a lowercase UUID' });

export const MatchesPattern = (pattern: string): PropertyDecorator => Matches(new RegExp(pattern, 'u'));

export const IsTimestamp = (): PropertyDecorator =>
  ValidateBy({
    name: 'isTimestamp',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isTimestamp(value),
      defaultMessage: () => '$property must be an RFC 3339 date-time with offset',
    },
  });

export const IsLocalDate = (): PropertyDecorator =>
  ValidateBy({
    name: 'isLocalDate',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isLocalDate(value),
      defaultMessage: () => '$property must be a date YYYY-MM-DD',
    },
  });

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every element is a JSON object. @ValidateNested alone lets arrays (and empty arrays) through as elements;
 * JSON Schema `items: { type: object }` does not.
 */
export const IsArrayOfObjects = (): PropertyDecorator =>
  ValidateBy({
    name: 'isArrayOfObjects',
    validator: {
      validate: (value: unknown) => !Array.isArray(value) || value.every(isPlainObject),
      defaultMessage: () => 'each element of $property must be an object',
    },
  });

/** Required but may be null (unlike @IsOptional, undefined is still an error). */
export const Nullable = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== null);

/** May be absent but, when present, not null (matches a JSON Schema property left out of `required`). */
export const Absentable = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Runs the shared cross-field rules on the whole object; put it on one always-present property. */
export const SatisfiesCrossFieldRules = (type: EventType): PropertyDecorator =>
  ValidateBy({
    name: 'crossFieldRules',
    constraints: [type],
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) => crossFieldErrors(type, args?.object).length === 0,
      defaultMessage: (args?: ValidationArguments) =>
        crossFieldErrors(type, args?.object)
          .map((error) => error.message)
          .join('; '),
    },
  });
