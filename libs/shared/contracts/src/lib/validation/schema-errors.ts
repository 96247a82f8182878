// Turns ajv errors into FieldErrors: dotted paths, stable codes, messages that name the field.
import type { ErrorObject } from 'ajv';
import {
  CODE_PATTERN,
  QUANTITY_PATTERN,
  SESSION_ID_PATTERN,
  SKILL_PATTERN,
  SUBJECT_PATTERN,
  TRACEPARENT_PATTERN,
  UUID_PATTERN,
} from '../limits';
import { fieldError, joinPath, type FieldError } from './field-error';

const PATTERN_NAMES: Record<string, string> = {
  [UUID_PATTERN]: 'a lowercase UUID',
  [SESSION_ID_PATTERN]: '1 to 128 characters of A-Z a-z 0-9 . _ : -',
  [SUBJECT_PATTERN]: 'a subject code (lowercase letter, then 1 to 31 of a-z 0-9 _)',
  [SKILL_PATTERN]: 'a skill code (1 to 64 of A-Z a-z 0-9 . _ : / -)',
  [QUANTITY_PATTERN]: 'a decimal string such as "12.5"',
  [CODE_PATTERN]: 'a code (lowercase letter, then a-z 0-9 _)',
  [TRACEPARENT_PATTERN]: 'a W3C traceparent',
};

const FORMAT_NAMES: Record<string, string> = {
  'date-time': 'an RFC 3339 date-time with offset, e.g. 2025-03-04T15:00:00-05:00',
  date: 'a date YYYY-MM-DD',
};

/** `/attendance/1/minutes` → `attendance[1].minutes` (array indexes are the only numeric segments we have). */
export const pointerToPath = (pointer: string): string =>
  joinPath(
    ...pointer
      .split('/')
      .slice(1)
      .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)),
  );

const param = (error: ErrorObject, name: string): string => String((error.params as Record<string, unknown>)[name]);

export const schemaErrorToFieldError = (error: ErrorObject): FieldError => {
  const path = pointerToPath(error.instancePath);
  switch (error.keyword) {
    case 'required':
      return fieldError(joinPath(path, param(error, 'missingProperty')), 'required', 'is required');
    case 'additionalProperties':
      return fieldError(
        joinPath(path, param(error, 'additionalProperty')),
        'not_allowed',
        'is not an allowed property',
      );
    case 'type':
      return fieldError(path, 'type', `must be of type ${param(error, 'type').replace(',', ' or ')}`);
    case 'enum': {
      const allowed = ((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ');
      return fieldError(path, 'enum', `must be one of: ${allowed}`);
    }
    case 'format':
      return fieldError(path, 'format', `must be ${FORMAT_NAMES[param(error, 'format')] ?? param(error, 'format')}`);
    case 'pattern':
      return fieldError(
        path,
        'format',
        `must be ${PATTERN_NAMES[param(error, 'pattern')] ?? 'in the documented format'}`,
      );
    case 'minimum':
      return fieldError(path, 'range', `must be >= ${param(error, 'limit')}`);
    case 'maximum':
      return fieldError(path, 'range', `must be <= ${param(error, 'limit')}`);
    case 'minLength':
      return fieldError(path, 'too_short', `must be at least ${param(error, 'limit')} characters`);
    case 'maxLength':
      return fieldError(path, 'too_long', `must be at most ${param(error, 'limit')} characters`);
    case 'minItems':
      return fieldError(path, 'too_short', `must have at least ${param(error, 'limit')} items`);
    case 'maxItems':
      return fieldError(path, 'too_long', `must have at most ${param(error, 'limit')} items`);
    default:
      return fieldError(path, 'invalid', 'is invalid');
  }
};
