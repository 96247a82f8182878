// The single validation entry point for event data, used by every ingest path (Kafka binary, Kafka
// structured, HTTP, CSV) so a vendor gets the same verdict and the same errors whichever way it sends.
import Ajv, { type ValidateFunction } from 'ajv';
import { EVENT_TYPES, isEventType, type EventType } from '../event-types';
import type { EventData, EventDataMap } from '../event-data.types';
import { isLocalDate, isTimestamp } from '../formats';
import { MAX_FEEDBACK_ERRORS } from '../limits';
import { EVENT_SCHEMAS } from '../schemas';
import { crossFieldErrors } from './cross-field.rules';
import { fieldError, type FieldError, type ValidationResult } from './field-error';
import { schemaErrorToFieldError } from './schema-errors';

/** An ajv instance with our own format checks (shared with the class-validator decorators). */
export const createContractsAjv = (): Ajv => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat('date-time', isTimestamp);
  ajv.addFormat('date', isLocalDate);
  return ajv;
};

let compiled: Map<EventType, ValidateFunction> | null = null;

// Compiled lazily and once: compiling costs milliseconds, validating microseconds.
const validatorFor = (type: EventType): ValidateFunction => {
  if (!compiled) {
    const ajv = createContractsAjv();
    compiled = new Map(EVENT_TYPES.map((t) => [t, ajv.compile(EVENT_SCHEMAS[t])]));
  }
  return compiled.get(type) as ValidateFunction;
};

/** Schema + cross-field errors, capped so they fit in a session.rejected.v1 message. */
export const eventDataErrors = (type: EventType, data: unknown): FieldError[] => {
  const validate = validatorFor(type);
  const schemaErrors = validate(data) ? [] : (validate.errors ?? []).map(schemaErrorToFieldError);
  return [...schemaErrors, ...crossFieldErrors(type, data)].slice(0, MAX_FEEDBACK_ERRORS);
};

/**
 * Validates the `data` of an event of the given CloudEvents type: shape (JSON Schema, all errors, no extra
 * properties) and cross-field rules. An unknown type gives one error at path `type`, code `unknown_type`.
 */
export function validateEvent<T extends EventType>(type: T, data: unknown): ValidationResult<EventDataMap[T]>;
export function validateEvent(type: string, data: unknown): ValidationResult<EventData>;
export function validateEvent(type: string, data: unknown): ValidationResult<EventData> {
  if (!isEventType(type)) {
    return { ok: false, errors: [fieldError('type', 'unknown_type', 'is not a known event type')] };
  }
  const errors = eventDataErrors(type, data);
  return errors.length === 0 ? { ok: true, value: data as EventData } : { ok: false, errors };
}
