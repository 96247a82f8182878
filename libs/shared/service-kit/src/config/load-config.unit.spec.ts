import { commonConfigProblems, commonServiceConfig } from './common-service.config';
import { bool, int, list, oneOf, optional, port, str, url } from './config.specs';
import { CONFIG_ERROR_EXIT_CODE, ConfigError, loadConfig, loadConfigOrExit } from './load-config';

const problemsOf = (fn: () => unknown): readonly string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

const validCommonEnv = {
  DATABASE_URL: 'postgres://app:s3cr3t@db:5432/tutoring',
  DATABASE_SCHEMA: 'ledger',
  KAFKA_BROKERS: 'k1:9092, k2:9092,',
  KAFKA_CLIENT_ID: 'session-ledger',
  OIDC_ISSUER: 'https://idp.example.org/realms/d1',
  OIDC_AUDIENCE: 'tutoring-api',
  OIDC_JWKS_URL: 'https://idp.example.org/realms/d1/certs',
  OTEL_SERVICE_NAME: 'session-ledger',
};

describe('loadConfig', () => {
  it('returns a typed, frozen object with defaults applied', () => {
    const config = loadConfig(commonServiceConfig, validCommonEnv);
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      DATABASE_MIGRATION_URL: validCommonEnv.DATABASE_URL,
      DATABASE_SSL: 'disable',
      KAFKA_BROKERS: ['k1:9092', 'k2:9092'],
      KAFKA_SSL: false,
      OIDC_ALGORITHMS: ['RS256'],
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: 25_000,
    });
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every offending variable in one message', () => {
    const error = (() => {
      try {
        loadConfig(commonServiceConfig, { ...validCommonEnv, DATABASE_URL: undefined, PORT: 'abc', LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as Error;
      }
      return new Error('no error');
    })();
    expect(error.message).toBe(
      'Configuration error: PORT must be an integer between 0 and 65535 (got "abc"); DATABASE_URL is required; ' +
        'DATABASE_MIGRATION_URL is required; LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
  });

  it('treats an empty string as unset', () => {
    expect(problemsOf(() => loadConfig({ A: str() }, { A: '' }))).toEqual(['A is required']);
  });

  it('never echoes a secret value', () => {
    const problems = problemsOf(() =>
      loadConfig(commonServiceConfig, { ...validCommonEnv, DATABASE_URL: 'mysql://root:hunter2@db/x' }),
    );
    expect(problems).toContain('DATABASE_URL must use one of the protocols postgres, postgresql');
    expect(problems.join()).not.toContain('hunter2');
  });

  it.each([
    ['integer', { A: int() }, '1.5', 'A must be an integer (got "1.5")'],
    ['integer range', { A: int({ min: 1, max: 5 }) }, '9', 'A must be an integer between 1 and 5 (got "9")'],
    ['port', { A: port() }, '70000', 'A must be an integer between 0 and 65535 (got "70000")'],
    ['boolean', { A: bool() }, 'maybe', 'A must be true or false (got "maybe")'],
    ['enum', { A: oneOf(['x', 'y']) }, 'z', 'A must be one of x, y (got "z")'],
    ['url', { A: url() }, 'not a url', 'A must be an absolute URL (got "not a url")'],
    [
      'url protocol',
      { A: url({ protocols: ['https'] }) },
      'http://x',
      'A must use one of the protocols https (got "http://x")',
    ],
    ['empty list', { A: list() }, ' , ', 'A must be a comma-separated list with at least one item (got " , ")'],
    ['list members', { A: list({ allowed: ['RS256'] }) }, 'RS256,none', 'A may only contain RS256 (got "RS256,none")'],
    ['string length', { A: str({ minLength: 3 }) }, 'ab', 'A must be at least 3 characters long (got "ab")'],
  ])('reports a bad %s', (_kind, schema, raw, message) => {
    expect(problemsOf(() => loadConfig(schema, { A: raw }))).toEqual([message]);
  });

  it('accepts optional variables that are unset', () => {
    expect(loadConfig({ A: optional(int()) }, {})).toEqual({ A: undefined });
  });

  it('refuses alg none in OIDC_ALGORITHMS', () => {
    const problems = problemsOf(() => loadConfig(commonServiceConfig, { ...validCommonEnv, OIDC_ALGORITHMS: 'none' }));
    expect(problems[0]).toMatch(/^OIDC_ALGORITHMS may only contain/);
  });

  it('runs cross-variable checks once every variable parsed', () => {
    const problems = problemsOf(() =>
      loadConfig(commonServiceConfig, { ...validCommonEnv, KAFKA_SASL_USERNAME: 'u' }, [commonConfigProblems]),
    );
    expect(problems).toEqual([
      'KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together',
    ]);
  });
});

describe('loadConfigOrExit', () => {
  it('writes one line without a stack trace and exits 78', () => {
    const lines: string[] = [];
    const exit = jest.fn((code: number): never => {
      throw new Error(`exit ${code}`);
    });
    expect(() => loadConfigOrExit({ A: port() }, { A: 'abc' }, { exit, write: (l) => lines.push(l) })).toThrow(
      'exit 78',
    );
    expect(exit).toHaveBeenCalledWith(CONFIG_ERROR_EXIT_CODE);
    expect(lines).toEqual(['Configuration error: A must be an integer between 0 and 65535 (got "abc")']);
  });

  it('returns the config when valid', () => {
    expect(loadConfigOrExit({ A: port() }, { A: '8080' })).toEqual({ A: 8080 });
  });
});
