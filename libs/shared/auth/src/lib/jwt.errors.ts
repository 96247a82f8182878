// Kept free of jose so it can be unit-tested and reused without loading the ESM-only library.
import { InvalidClaimsError } from './principal';

/** A token was refused. `reason` is safe to send to the caller; `cause` is for logs only. */
export class AuthenticationError extends Error {
  constructor(
    readonly reason: string,
    readonly internal = false,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'AuthenticationError';
  }
}

const claimReason = (claim: unknown): string => {
  switch (claim) {
    case 'aud':
      return 'token audience is not accepted';
    case 'iss':
      return 'token issuer is not accepted';
    case 'nbf':
      return 'token is not yet valid';
    case 'iat':
      return 'token issue time is invalid';
    default:
      return 'token claims are invalid';
  }
};

/** Translates jose's error codes into short reasons that reveal nothing about keys or config. */
export const reasonFor = (error: unknown): AuthenticationError => {
  if (error instanceof InvalidClaimsError) return new AuthenticationError(error.reason);
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new AuthenticationError('token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return new AuthenticationError(claimReason((error as { claim?: unknown }).claim));
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new AuthenticationError('token algorithm is not accepted');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new AuthenticationError('token signature is invalid');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthenticationError('token signing key is not recognised');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new AuthenticationError('token is malformed');
    default:
      // JWKS unreachable, timeouts, bugs: the caller learns nothing, the log gets the cause.
      return new AuthenticationError('token could not be verified', true, { cause: error });
  }
};

/** `Authorization: Bearer <token>` → token, or null when absent or not a bearer credential. */
export const bearerToken = (header: string | string[] | undefined): string | null => {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+([^\s]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
};
