import { trace } from '@opentelemetry/api';
import type { LoggerOptions } from 'pino';

/** Field names that may hold student (or staff) PII; redacted at any depth up to four levels. */
export const PII_FIELDS = [
  'name',
  'firstName',
  'lastName',
  'middleName',
  'preferredName',
  'fullName',
  'birthDate',
  'dateOfBirth',
  'dob',
  'email',
  'phone',
  'address',
  'localStudentNumber',
  'password',
  'token',
  'accessToken',
  'secret',
] as const;

const depthPrefixes = ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'];

export const REDACT_PATHS: readonly string[] = [
  ...depthPrefixes.flatMap((prefix) => PII_FIELDS.map((field) => `${prefix}${field}`)),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
];

export const REDACTED = '[REDACTED]';

/** Adds the active span's ids so a log line can be joined to its trace. */
export const traceMixin = (): Record<string, string> => {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && ctx.traceId !== '00000000000000000000000000000000'
    ? { trace_id: ctx.traceId, span_id: ctx.spanId }
    : {};
};

/** The one place log shape is decided: JSON, level label, service name, trace ids, redaction. */
export const pinoOptions = (service: string, level = 'info'): LoggerOptions => ({
  level,
  base: { service },
  messageKey: 'msg',
  timestamp: () => `,"time":"${new Date().toISOString()}"`,
  formatters: { level: (label) => ({ level: label }) },
  mixin: traceMixin,
  redact: { paths: [...REDACT_PATHS], censor: REDACTED },
});
