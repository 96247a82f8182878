import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AUTH_CONFIG, type AuthConfig } from './auth.config';
import { reasonFor } from './jwt.errors';
import { principalFromClaims, type Principal } from './principal';

export { AuthenticationError, bearerToken, reasonFor } from './jwt.errors';

@Injectable()
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {
    // jose caches the key set and refetches (with a cooldown) when it sees an unknown kid.
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl));
  }

  /** Verifies signature, issuer, audience, algorithm and expiry, then maps claims. */
  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockToleranceSec ?? 0,
        requiredClaims: ['exp', 'sub'],
      });
      return principalFromClaims(payload as Record<string, unknown>);
    } catch (error) {
      throw reasonFor(error);
    }
  }
}
