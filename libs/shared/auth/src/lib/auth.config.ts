export interface AuthConfig {
  /** Exact `iss` the district's OIDC provider puts in its tokens. */
  issuer: string;
  /** Exact `aud` this API accepts. */
  audience: string;
  jwksUrl: string;
  /** Pinned list of accepted `alg` values; never derived from the token itself. */
  algorithms: string[];
  clockToleranceSec?: number;
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256'];

/** Fills defaults and refuses configurations that would weaken verification. */
export const normalizeAuthConfig = (
  input: Omit<AuthConfig, 'algorithms'> & { algorithms?: string[] },
): AuthConfig => {
  const algorithms = input.algorithms?.length ? [...input.algorithms] : [...DEFAULT_ALGORITHMS];
  if (algorithms.some((alg) => alg.toLowerCase() === 'none')) {
    throw new Error('AuthConfig: algorithm "none" can never be accepted');
  }
  for (const key of ['issuer', 'audience', 'jwksUrl'] as const) {
    if (!input[key]) throw new Error(`AuthConfig: ${key} is required`);
  }
  return { ...input, algorithms, clockToleranceSec: input.clockToleranceSec ?? 5 };
};
