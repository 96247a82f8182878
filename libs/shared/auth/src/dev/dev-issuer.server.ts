import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { generateSigningKey, loadOrCreateSigningKey, type SigningKey } from './dev-issuer.keys';

/** Claims a dev token may carry; the same names a district's OIDC provider is asked to emit. */
export interface DevTokenClaims {
  sub: string;
  roles: string[];
  district_id: string;
  vendor_id?: string;
  school_ids?: string[];
  teacher_id?: string;
  [extra: string]: unknown;
}

export interface MintOptions {
  /** Seconds until expiry; negative values mint an already expired token. Default 3600. */
  expiresInSec?: number;
  audience?: string;
  issuer?: string;
  /** Sign with this key instead of the issuer's own (to test "wrong key"). */
  key?: SigningKey;
}

export interface DevIssuerOptions {
  audience: string;
  port?: number;
  host?: string;
  /** Defaults to http://<host>:<port>. */
  issuer?: string;
  /** Persist the private key here so restarts keep already minted tokens valid. */
  keyPath?: string;
  /** Where the "development only" banner goes; default stderr. */
  log?: (line: string) => void;
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly port: number;
  readonly kid: string;
  mintToken(claims: DevTokenClaims, opts?: MintOptions): Promise<string>;
  stop(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

const readJson = (req: IncomingMessage): Promise<unknown> =>
  new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        reject(new Error('body is not JSON'));
      }
    });
    req.on('error', reject);
  });

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

const isTokenRequest = (body: unknown): body is DevTokenClaims & { expires_in?: number } => {
  const b = body as Partial<DevTokenClaims> & { expires_in?: unknown };
  return (
    typeof b === 'object' && b !== null &&
    typeof b.sub === 'string' && Array.isArray(b.roles) && typeof b.district_id === 'string' &&
    (b.expires_in === undefined || typeof b.expires_in === 'number')
  );
};

/**
 * LOCAL DEVELOPMENT ONLY. A throwaway OIDC-ish issuer so services can be run and tested without
 * the district's identity provider. It signs whatever it is asked to sign: never expose it.
 */
export const startDevIssuer = async (options: DevIssuerOptions): Promise<DevIssuer> => {
  const key = options.keyPath ? await loadOrCreateSigningKey(options.keyPath) : await generateSigningKey();
  const host = options.host ?? '127.0.0.1';
  let issuer = options.issuer ?? '';
  let jwksUrl = '';

  const mintToken = async (claims: DevTokenClaims, opts: MintOptions = {}): Promise<string> => {
    const signing = opts.key ?? key;
    const now = Math.floor(Date.now() / 1000);
    const { sub, ...rest } = claims;
    return new SignJWT(rest)
      .setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(opts.issuer ?? issuer)
      .setAudience(opts.audience ?? options.audience)
      .setIssuedAt(now - Math.max(0, -(opts.expiresInSec ?? 0)) - 1)
      .setExpirationTime(now + (opts.expiresInSec ?? 3600))
      .sign(signing.privateKey);
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      return send(res, 200, {
        issuer,
        jwks_uri: jwksUrl,
        token_endpoint: `${issuer}/token`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'GET' && path === '/jwks.json') return send(res, 200, { keys: [key.publicJwk] });
    if (req.method === 'POST' && path === '/token') {
      readJson(req)
        .then(async (body) => {
          if (!isTokenRequest(body)) return send(res, 400, { error: 'expected { sub, roles[], district_id }' });
          const { expires_in, ...claims } = body;
          return send(res, 200, { access_token: await mintToken(claims, { expiresInSec: expires_in }), token_type: 'Bearer' });
        })
        .catch((error: Error) => send(res, 400, { error: error.message }));
      return undefined;
    }
    return send(res, 404, { error: 'not found' });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  issuer = issuer || `http://${host}:${port}`;
  jwksUrl = `http://${host}:${port}/jwks.json`;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  log(`[dev-issuer] DEVELOPMENT ONLY token issuer at ${issuer} (jwks ${jwksUrl}); never use outside local runs`);

  return {
    issuer,
    audience: options.audience,
    jwksUrl,
    port,
    kid: key.kid,
    mintToken,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
