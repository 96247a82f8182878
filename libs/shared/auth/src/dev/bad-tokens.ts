import { generateSigningKey } from './dev-issuer.keys';
import type { DevIssuer, DevTokenClaims } from './dev-issuer.server';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned (`alg: none`) JWT carrying otherwise valid claims. */
export const unsignedToken = (claims: Record<string, unknown>): string =>
  `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;

export interface BadTokens {
  expired: string;
  wrongAudience: string;
  wrongIssuer: string;
  algNone: string;
  /** Same kid as the issuer's key, signed by a different key: the signature check must catch it. */
  wrongKey: string;
  malformed: string;
}

/** TEST HELPER: tokens that must all be refused with 401 by any service trusting `issuer`. */
export const mintBadTokens = async (issuer: DevIssuer, claims: DevTokenClaims): Promise<BadTokens> => {
  const now = Math.floor(Date.now() / 1000);
  const otherKey = await generateSigningKey(issuer.kid);
  const { sub, ...rest } = claims;
  return {
    expired: await issuer.mintToken(claims, { expiresInSec: -600 }),
    wrongAudience: await issuer.mintToken(claims, { audience: 'urn:tutoring:some-other-api' }),
    wrongIssuer: await issuer.mintToken(claims, { issuer: 'http://issuer.invalid' }),
    algNone: unsignedToken({
      ...rest, sub, iss: issuer.issuer, aud: issuer.audience, iat: now, exp: now + 3600,
    }),
    wrongKey: await issuer.mintToken(claims, { key: otherKey }),
    malformed: 'not.a.jwt',
  };
};
