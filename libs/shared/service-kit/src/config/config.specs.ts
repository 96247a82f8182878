import { accessSync, constants, statSync } from 'node:fs';

/**
 * Variable specs for loadConfig. Each spec turns the raw env string (or its absence) into a typed
 * value or a short human reason. Reasons name the rule, never the value of a secret.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface VarSpec<T> {
  readonly parse: (raw: string) => Parsed<T>;
  readonly default?: T;
  readonly optional?: boolean;
  readonly secret?: boolean;
  /** Name of another variable whose value is used when this one is unset. */
  readonly fallbackTo?: string;
}

interface CommonOptions<T> {
  default?: T;
  secret?: boolean;
  fallbackTo?: string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

const withCommon = <T>(parse: (raw: string) => Parsed<T>, opts: CommonOptions<T> = {}): VarSpec<T> => ({
  parse,
  ...(opts.default !== undefined ? { default: opts.default } : {}),
  ...(opts.secret ? { secret: true } : {}),
  ...(opts.fallbackTo ? { fallbackTo: opts.fallbackTo } : {}),
});

/** Marks a spec optional: an unset variable yields `undefined` instead of an error. */
export const optional = <T>(spec: VarSpec<T>): VarSpec<T | undefined> => ({ ...spec, optional: true });

export const str = (opts: CommonOptions<string> & { minLength?: number } = {}): VarSpec<string> =>
  withCommon((raw) => {
    const min = opts.minLength ?? 1;
    return raw.length >= min ? ok(raw) : fail(`must be at least ${min} characters long`);
  }, opts);

export const int = (opts: CommonOptions<number> & { min?: number; max?: number } = {}): VarSpec<number> => {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return withCommon((raw) => {
    const n = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
    if (Number.isSafeInteger(n) && n >= min && n <= max) return ok(n);
    const range = opts.min !== undefined || opts.max !== undefined ? ` between ${min} and ${max}` : '';
    return fail(`must be an integer${range}`);
  }, opts);
};

export const port = (opts: CommonOptions<number> = {}): VarSpec<number> =>
  // 0 lets the OS choose, which tests rely on.
  int({ ...opts, min: 0, max: 65535 });

export const bool = (opts: CommonOptions<boolean> = {}): VarSpec<boolean> =>
  withCommon((raw) => {
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return ok(true);
    if (['false', '0', 'no', 'off'].includes(v)) return ok(false);
    return fail('must be true or false');
  }, opts);

export const oneOf = <const V extends string>(values: readonly V[], opts: CommonOptions<V> = {}): VarSpec<V> =>
  withCommon(
    (raw) => ((values as readonly string[]).includes(raw) ? ok(raw as V) : fail(`must be one of ${values.join(', ')}`)),
    opts,
  );

export const url = (opts: CommonOptions<string> & { protocols?: string[] } = {}): VarSpec<string> =>
  withCommon((raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return fail('must be an absolute URL');
    }
    const protocol = parsed.protocol.replace(/:$/, '');
    if (opts.protocols && !opts.protocols.includes(protocol)) {
      return fail(`must use one of the protocols ${opts.protocols.join(', ')}`);
    }
    return ok(raw);
  }, opts);

/** Comma-separated list; blanks are dropped; at least one item unless optional. */
export const list = (opts: CommonOptions<string[]> & { allowed?: readonly string[] } = {}): VarSpec<string[]> =>
  withCommon((raw) => {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (items.length === 0) return fail('must be a comma-separated list with at least one item');
    const bad = opts.allowed ? items.filter((i) => !opts.allowed?.includes(i)) : [];
    if (bad.length > 0) return fail(`may only contain ${opts.allowed?.join(', ')}`);
    return ok(items);
  }, opts);

/** Path of a readable regular file (certificates, keys, CA bundles): checked at start-up, not at first use. */
export const file = (opts: CommonOptions<string> = {}): VarSpec<string> =>
  withCommon((raw) => {
    try {
      if (!statSync(raw).isFile()) return fail('must be the path of a regular file');
      accessSync(raw, constants.R_OK);
      return ok(raw);
    } catch {
      return fail('must be the path of a readable file');
    }
  }, opts);
