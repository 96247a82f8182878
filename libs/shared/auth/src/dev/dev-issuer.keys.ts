import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

const fromPrivateJwk = async (jwk: JWK): Promise<SigningKey> => {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk;
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicPart));
  const privateKey = (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as CryptoKey;
  return { kid, privateKey, publicJwk: { ...publicPart, kid, alg: 'RS256', use: 'sig' } };
};

/** A fresh RS256 key pair; `kid` is the RFC 7638 thumbprint unless one is forced. */
export const generateSigningKey = async (forcedKid?: string): Promise<SigningKey> => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return fromPrivateJwk(forcedKid ? { ...jwk, kid: forcedKid } : jwk);
};

/** Loads the private JWK at `path`, or creates and persists one (mode 0600) so tokens survive restarts. */
export const loadOrCreateSigningKey = async (path: string): Promise<SigningKey> => {
  if (existsSync(path)) return fromPrivateJwk(JSON.parse(readFileSync(path, 'utf8')) as JWK);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(jwk), { mode: 0o600 });
  return fromPrivateJwk(jwk);
};
