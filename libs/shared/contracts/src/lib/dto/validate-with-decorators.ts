// The class-validator path: what a Nest ValidationPipe (whitelist + forbidNonWhitelisted) would decide,
// expressed as the same ValidationResult as validateEvent. Used to prove both paths agree.
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import {
  isEventType,
  SESSION_ACCEPTED_V1,
  SESSION_CORRECTED_V1,
  SESSION_DELIVERED_V1,
  SESSION_REJECTED_V1,
  SESSION_VOIDED_V1,
  STATEMENT_APPROVED_V1,
  STATEMENT_ISSUED_V1,
  VENDOR_REGISTERED_V1,
  type EventType,
} from '../event-types';
import type { EventData } from '../event-data.types';
import { crossFieldErrors } from '../validation/cross-field.rules';
import {
  fieldError,
  joinPath,
  type FieldError,
  type FieldErrorCode,
  type ValidationResult,
} from '../validation/field-error';
import { isPlainObject } from './decorators';
import { prototypeKeyPaths } from './prototype-keys';
import { SessionAcceptedV1Dto, SessionRejectedV1Dto } from './feedback.dto';
import { StatementApprovedV1Dto, StatementIssuedV1Dto } from './payout.dto';
import { SessionCorrectedV1Dto, SessionDeliveredV1Dto, SessionVoidedV1Dto } from './session.dto';
import { VendorRegisteredV1Dto } from './vendor.dto';

/** The class-validator class of each event type's data. */
export const EVENT_DTO_CLASSES: Readonly<Record<EventType, new () => object>> = Object.freeze({
  [SESSION_DELIVERED_V1]: SessionDeliveredV1Dto,
  [SESSION_CORRECTED_V1]: SessionCorrectedV1Dto,
  [SESSION_VOIDED_V1]: SessionVoidedV1Dto,
  [SESSION_ACCEPTED_V1]: SessionAcceptedV1Dto,
  [SESSION_REJECTED_V1]: SessionRejectedV1Dto,
  [STATEMENT_ISSUED_V1]: StatementIssuedV1Dto,
  [STATEMENT_APPROVED_V1]: StatementApprovedV1Dto,
  [VENDOR_REGISTERED_V1]: VendorRegisteredV1Dto,
});

/** Options a Nest ValidationPipe must use for these DTOs to mean what the JSON Schemas mean. */
export const CONTRACT_VALIDATOR_OPTIONS = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
});

const CODES: Record<string, FieldErrorCode> = {
  whitelistValidation: 'not_allowed',
  isString: 'type',
  isInt: 'type',
  isArray: 'type',
  isObject: 'type',
  nestedValidation: 'type',
  isIn: 'enum',
  matches: 'format',
  isTimestamp: 'format',
  isLocalDate: 'format',
  min: 'range',
  max: 'range',
  minLength: 'too_short',
  arrayMinSize: 'too_short',
  maxLength: 'too_long',
  arrayMaxSize: 'too_long',
};

// The cross-field decorator reports one summary; it is expanded into the precise FieldErrors afterwards.
const CROSS_FIELD_MARK = '\u0000crossFieldRules';

const elementTypeErrors = (path: string, elements: unknown[]): FieldError[] =>
  elements.flatMap((element, index) =>
    isPlainObject(element) ? [] : [fieldError(joinPath(path, index), 'type', 'must be of type object')],
  );

const flatten = (errors: ValidationError[], parent: string, parentIsArray: boolean): FieldError[] =>
  errors.flatMap((error) => {
    const segment = parentIsArray ? Number(error.property) : error.property;
    const path = joinPath(...(parent === '' ? [] : [parent]), segment);
    const own = Object.entries(error.constraints ?? {}).flatMap(([name, message]): FieldError[] => {
      if (name === 'crossFieldRules') return [{ path: CROSS_FIELD_MARK, code: 'invalid', message }];
      if (name === 'isArrayOfObjects' && Array.isArray(error.value)) return elementTypeErrors(path, error.value);
      const code: FieldErrorCode = error.value === undefined ? 'required' : (CODES[name] ?? 'invalid');
      return [{ path, code, message }];
    });
    return [...own, ...flatten(error.children ?? [], path, Array.isArray(error.value))];
  });

// class-validator keeps validating inside a value of the wrong type (e.g. an object where an array belongs);
// like JSON Schema, report only the type error at that value.
const withoutErrorsInsideWrongTypes = (errors: FieldError[]): FieldError[] => {
  const wrong = errors.filter((e) => e.code === 'type').map((e) => e.path);
  return errors.filter(
    (e) =>
      !wrong.some((p) => e.path.startsWith(`${p}[`) || (e.path.startsWith(p === '' ? '' : `${p}.`) && e.path !== p)),
  );
};

export const validateWithDecorators = (type: string, data: unknown): ValidationResult<EventData> => {
  if (!isEventType(type))
    return { ok: false, errors: [fieldError('type', 'unknown_type', 'is not a known event type')] };
  if (!isPlainObject(data)) return { ok: false, errors: [fieldError('', 'type', 'must be of type object')] };
  const instance = plainToInstance(EVENT_DTO_CLASSES[type], data);
  const reported = flatten(validateSync(instance, CONTRACT_VALIDATOR_OPTIONS), '', false);
  // Keys class-transformer never copies (they name Object.prototype members), except inside a key already refused.
  const refused = reported.filter((e) => e.code === 'not_allowed').map((e) => e.path);
  const prototypeKeys = prototypeKeyPaths(data)
    .filter((path) => !refused.some((p) => path.startsWith(`${p}.`) || path.startsWith(`${p}[`)))
    .map((path) => fieldError(path, 'not_allowed', 'should not exist'));
  const found = withoutErrorsInsideWrongTypes([...prototypeKeys, ...reported]);
  const errors = found.flatMap((error) => (error.path === CROSS_FIELD_MARK ? crossFieldErrors(type, data) : [error]));
  return errors.length === 0 ? { ok: true, value: data as unknown as EventData } : { ok: false, errors };
};
