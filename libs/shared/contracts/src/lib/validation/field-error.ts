// The one error shape every ingest path returns (and vendors receive in session.rejected.v1).

export interface FieldError {
  /** Dotted path with array indexes, e.g. `attendance[1].minutes`; '' for the whole message. */
  path: string;
  code: FieldErrorCode;
  /** Human readable; names the field and says why. Never echoes field values (they may be student data). */
  message: string;
}

/** Stable machine codes: vendors may branch on them, so only ever add codes. */
export const FIELD_ERROR_CODES = [
  'required',
  'type',
  'enum',
  'format',
  'range',
  'too_short',
  'too_long',
  'duplicate',
  'order',
  'unknown_student',
  'mismatch',
  'unknown_type',
  'not_allowed',
  'invalid',
  // transport and ledger verdicts
  'not_json',
  'too_large',
  'conflict',
  'unknown_vendor',
  'unknown_session',
  'duplicate_session',
  'session_voided',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export const fieldError = (path: string, code: FieldErrorCode, why: string): FieldError => ({
  path,
  code,
  message: `${path === '' ? 'data' : path} ${why}`,
});

/** `attendance` + 1 + `minutes` → `attendance[1].minutes`. */
export const joinPath = (...segments: ReadonlyArray<string | number>): string =>
  segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number') return `${path}[${segment}]`;
    return path === '' ? segment : `${path}.${segment}`;
  }, '');
