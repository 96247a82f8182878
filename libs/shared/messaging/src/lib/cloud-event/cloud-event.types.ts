/** A CloudEvents 1.0 envelope. `data` is carried as JSON; extension attributes are flat strings. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time?: string;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  /** Tenant extension attribute (`ce_districtid` on the wire). */
  districtid?: string;
  data: T;
  /** Other extension attributes, keyed by attribute name (without the `ce_` prefix). */
  extensions?: Record<string, string>;
}

/** A validation error that names the offending field; the same shape as vendor feedback `errors`. */
export interface FieldError {
  path: string;
  code: string;
  message: string;
}

export type DecodeResult<T = unknown> =
  | { ok: true; event: CloudEvent<T>; mode: 'binary' | 'structured' }
  | { ok: false; errors: FieldError[] };

export type HeaderValue = string | Buffer | (string | Buffer)[] | undefined | null;

/** What the codec needs from a Kafka (or HTTP) message. */
export interface RawMessage {
  headers?: Record<string, HeaderValue>;
  value: Buffer | string | null | undefined;
}

export interface EncodedMessage {
  headers: Record<string, string>;
  value: Buffer;
}
