import type { ValidateFunction } from 'ajv';
import { MAX_FEEDBACK_ERRORS } from '../limits';
import { fieldError, type ValidationResult } from '../validation/field-error';
import { schemaErrorToFieldError } from '../validation/schema-errors';
import { createContractsAjv } from '../validation/validate-event';
import {
  isInternalEventType,
  type InternalEventData,
  type InternalEventDataMap,
  type InternalEventType,
} from './internal-events';
import { INTERNAL_EVENT_SCHEMAS } from './schemas';

const compiled = new Map<InternalEventType, ValidateFunction>();
let ajv: ReturnType<typeof createContractsAjv> | null = null;

const validatorFor = (type: InternalEventType): ValidateFunction | null => {
  const schema = INTERNAL_EVENT_SCHEMAS[type];
  if (!schema) return null;
  let fn = compiled.get(type);
  if (!fn) {
    ajv ??= createContractsAjv();
    fn = ajv.compile(schema);
    compiled.set(type, fn);
  }
  return fn;
};

/** Validates the data of an internal event against its producer's schema; unknown types are refused. */
export function validateInternalEvent<T extends InternalEventType>(
  type: T,
  data: unknown,
): ValidationResult<InternalEventDataMap[T]>;
export function validateInternalEvent(type: string, data: unknown): ValidationResult<InternalEventData>;
export function validateInternalEvent(type: string, data: unknown): ValidationResult<InternalEventData> {
  if (!isInternalEventType(type)) {
    return { ok: false, errors: [fieldError('type', 'unknown_type', 'is not a known event type')] };
  }
  const validate = validatorFor(type);
  if (!validate) {
    return { ok: false, errors: [fieldError('type', 'unknown_type', 'has no published schema yet')] };
  }
  if (validate(data)) return { ok: true, value: data as InternalEventData };
  return {
    ok: false,
    errors: (validate.errors ?? []).map(schemaErrorToFieldError).slice(0, MAX_FEEDBACK_ERRORS),
  };
}
