import type { VarSpec } from './config.specs';

export type ConfigSchema = Record<string, VarSpec<unknown>>;
export type ConfigOf<S extends ConfigSchema> = { readonly [K in keyof S]: S[K] extends VarSpec<infer T> ? T : never };

/** Exit code for "configuration error" (sysexits EX_CONFIG): orchestrators show it distinctly. */
export const CONFIG_ERROR_EXIT_CODE = 78;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Configuration error: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const describeValue = (spec: VarSpec<unknown>, raw: string): string =>
  spec.secret ? '' : ` (got ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)})`;

/**
 * Validates every variable of `schema` against `env` and returns a frozen, typed object.
 * All problems are collected so an operator fixes the deployment in one round, not one per restart.
 */
export const loadConfig = <S extends ConfigSchema>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
  crossChecks: ReadonlyArray<(config: ConfigOf<S>) => string[]> = [],
): ConfigOf<S> => {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const own = env[name];
    const raw = own !== undefined && own !== '' ? own : spec.fallbackTo ? env[spec.fallbackTo] : undefined;
    if (raw === undefined || raw === '') {
      if (spec.default !== undefined) out[name] = spec.default;
      else if (spec.optional) out[name] = undefined;
      else problems.push(`${name} is required`);
      continue;
    }
    const result = spec.parse(raw);
    if (result.ok) out[name] = result.value;
    else problems.push(`${name} ${result.reason}${describeValue(spec, raw)}`);
  }
  if (problems.length === 0) {
    for (const check of crossChecks) problems.push(...check(out as ConfigOf<S>));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<S>;
};

/**
 * loadConfig for main.ts: on failure prints ONE line to stderr (no stack trace: the message is
 * the whole story) and exits 78.
 */
export const loadConfigOrExit = <S extends ConfigSchema>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
  options: {
    crossChecks?: ReadonlyArray<(config: ConfigOf<S>) => string[]>;
    exit?: (code: number) => never;
    write?: (line: string) => void;
  } = {},
): ConfigOf<S> => {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  try {
    return loadConfig(schema, env, options.crossChecks);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    write(error.message);
    return exit(CONFIG_ERROR_EXIT_CODE);
  }
};
