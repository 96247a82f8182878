import type {
  CloudEvent,
  DecodeResult,
  EncodedMessage,
  FieldError,
  HeaderValue,
  RawMessage,
} from './cloud-event.types';

export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';
export const JSON_CONTENT_TYPE = 'application/json';

const CE_PREFIX = 'ce_';
/** Attributes with a dedicated field on CloudEvent; everything else is an extension. */
const KNOWN_ATTRIBUTES = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'dataschema',
  'districtid',
]);
const REQUIRED_ATTRIBUTES = ['id', 'source', 'type'] as const;
const OPTIONAL_ATTRIBUTES = ['time', 'subject', 'dataschema', 'districtid'] as const;
// RFC 3339 with a mandatory offset (Z or ±hh:mm).
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** CloudEvents Kafka binding, binary content mode: attributes in `ce_*` headers, value = JSON of data. */
export function encodeBinary(event: CloudEvent): EncodedMessage {
  const headers: Record<string, string> = {
    ce_specversion: event.specversion,
    ce_id: event.id,
    ce_source: event.source,
    ce_type: event.type,
    'content-type': JSON_CONTENT_TYPE,
  };
  for (const name of OPTIONAL_ATTRIBUTES) {
    const v = event[name];
    if (v !== undefined) headers[CE_PREFIX + name] = v;
  }
  for (const [name, v] of Object.entries(event.extensions ?? {})) {
    if (!KNOWN_ATTRIBUTES.has(name)) headers[CE_PREFIX + name] = v;
  }
  return { headers, value: Buffer.from(JSON.stringify(event.data ?? null), 'utf8') };
}

export interface DecodeOptions {
  /** Values above this size are rejected before parsing (protects the consumer from huge payloads). */
  maxBytes?: number;
}

/** Accepts binary mode and structured mode (`content-type: application/cloudevents+json`). */
export function decodeCloudEvent<T = unknown>(message: RawMessage, options: DecodeOptions = {}): DecodeResult<T> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const headers = normalizeHeaders(message.headers);
  const value = message.value;
  if (value === null || value === undefined) return fail('value', 'required', 'message value is empty');
  const size = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
  if (size > maxBytes) return fail('value', 'too_large', `message value is ${size} bytes, limit is ${maxBytes}`);

  const contentType = (headers['content-type'] ?? '').toLowerCase();
  const parsed = parseJson(value);
  if (!parsed.ok) return fail('value', 'not_json', 'message value is not valid JSON');
  return contentType.startsWith(STRUCTURED_CONTENT_TYPE)
    ? decodeStructured<T>(parsed.json)
    : decodeBinaryAttributes<T>(headers, contentType, parsed.json);
}

function decodeBinaryAttributes<T>(
  headers: Record<string, string>,
  contentType: string,
  data: unknown,
): DecodeResult<T> {
  const errors: FieldError[] = [];
  if (contentType !== '' && !isJsonContentType(contentType)) {
    errors.push({ path: 'content-type', code: 'unsupported', message: `content-type ${contentType} is not JSON` });
  }
  const attrs: Record<string, string> = {};
  for (const key of Object.keys(headers)) {
    if (key.startsWith(CE_PREFIX)) attrs[key.slice(CE_PREFIX.length)] = headers[key] as string;
  }
  errors.push(...validateAttributes(attrs, CE_PREFIX));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, mode: 'binary', event: buildEvent<T>(attrs, data, contentType || undefined) };
}

function decodeStructured<T>(json: unknown): DecodeResult<T> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('value', 'invalid_type', 'structured CloudEvent must be a JSON object');
  }
  const obj = json as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [key, v] of Object.entries(obj)) {
    if (key === 'data' || key === 'data_base64') continue;
    if (typeof v === 'string') attrs[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') attrs[key] = String(v);
    else errors.push({ path: key, code: 'invalid_type', message: `attribute ${key} must be a string` });
  }
  if ('data_base64' in obj) {
    errors.push({ path: 'data_base64', code: 'unsupported', message: 'only JSON data is accepted' });
  }
  const dct = attrs['datacontenttype'];
  if (dct !== undefined && !isJsonContentType(dct.toLowerCase())) {
    errors.push({ path: 'datacontenttype', code: 'unsupported', message: `datacontenttype ${dct} is not JSON` });
  }
  errors.push(...validateAttributes(attrs, ''));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, mode: 'structured', event: buildEvent<T>(attrs, obj['data'] ?? null, dct) };
}

function validateAttributes(attrs: Record<string, string>, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const spec = attrs['specversion'];
  if (spec === undefined) errors.push(required(prefix + 'specversion'));
  else if (spec !== '1.0') {
    errors.push({ path: prefix + 'specversion', code: 'unsupported', message: `specversion ${spec} is not 1.0` });
  }
  for (const name of REQUIRED_ATTRIBUTES) {
    const v = attrs[name];
    if (v === undefined || v.trim() === '') errors.push(required(prefix + name));
  }
  const time = attrs['time'];
  if (time !== undefined && !(RFC3339.test(time) && !Number.isNaN(Date.parse(time)))) {
    errors.push({ path: prefix + 'time', code: 'invalid_format', message: 'time must be RFC 3339 with an offset' });
  }
  return errors;
}

function buildEvent<T>(attrs: Record<string, string>, data: unknown, contentType: string | undefined): CloudEvent<T> {
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: attrs['id'] as string,
    source: attrs['source'] as string,
    type: attrs['type'] as string,
    data: data as T,
  };
  if (contentType !== undefined) event.datacontenttype = contentType;
  for (const name of OPTIONAL_ATTRIBUTES) {
    const v = attrs[name];
    if (v !== undefined) event[name] = v;
  }
  const extensions = Object.fromEntries(Object.entries(attrs).filter(([k]) => !KNOWN_ATTRIBUTES.has(k)));
  if (Object.keys(extensions).length > 0) event.extensions = extensions;
  return event;
}

/** Kafka headers may be Buffers or arrays; header names are matched case-insensitively. */
export function normalizeHeaders(headers: Record<string, HeaderValue> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(headers ?? {})) {
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (first === undefined || first === null) continue;
    out[key.toLowerCase()] = typeof first === 'string' ? first : first.toString('utf8');
  }
  return out;
}

function isJsonContentType(ct: string): boolean {
  const base = ct.split(';')[0]?.trim() ?? '';
  return base === JSON_CONTENT_TYPE || base.endsWith('+json');
}

function parseJson(value: Buffer | string): { ok: true; json: unknown } | { ok: false } {
  try {
    return { ok: true, json: JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

const required = (path: string): FieldError => ({ path, code: 'required', message: `${path} is required` });
const fail = (path: string, code: string, message: string): DecodeResult<never> => ({
  ok: false,
  errors: [{ path, code, message }],
});
