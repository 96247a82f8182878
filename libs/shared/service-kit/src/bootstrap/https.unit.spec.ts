// In-process only: the shell serves HTTPS when given a certificate and key (self-signed here, made with openssl).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { startDevIssuer, type DevIssuer } from '@tutoring/shared/auth';
import { commonConfigProblems, commonServiceConfig } from '../config/common-service.config';
import { ConfigError, loadConfig } from '../config/load-config';
import { bootstrapService } from './bootstrap-service';

@Module({})
class EmptyModule {}

const get = (url: string, ca: Buffer) =>
  new Promise<{ status: number; protocol: string }>((resolve, reject) => {
    const req = request(url, { ca, servername: 'localhost', agent: false }, (res) => {
      const protocol = (res.socket as { getProtocol?: () => string | null }).getProtocol?.() ?? '';
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, protocol }));
    });
    req.on('error', reject);
    req.end();
  });

describe('HTTP TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  let issuer: DevIssuer;
  let app: INestApplication;

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    issuer = await startDevIssuer({ audience: 'tls-api', log: () => undefined });
    app = await bootstrapService({
      name: 'tls',
      module: EmptyModule,
      handleSignals: false,
      config: {
        PORT: 0,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        OIDC_ISSUER: issuer.issuer,
        OIDC_AUDIENCE: 'tls-api',
        OIDC_JWKS_URL: issuer.jwksUrl,
        OIDC_ALGORITHMS: ['RS256'],
        SHUTDOWN_GRACE_MS: 1000,
        HTTP_TLS_CERT_FILE: cert,
        HTTP_TLS_KEY_FILE: key,
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS (TLS 1.2+) with the configured certificate', async () => {
    const port = (app.getHttpServer() as { address(): { port: number } }).address().port;
    const res = await get(`https://127.0.0.1:${port}/health/live`, readFileSync(cert));
    expect(res.status).toBe(200);
    expect(res.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  const env = {
    DATABASE_URL: 'postgres://u:p@db/x',
    DATABASE_SCHEMA: 's',
    KAFKA_BROKERS: 'k:9092',
    KAFKA_CLIENT_ID: 'c',
    OIDC_ISSUER: 'https://idp',
    OIDC_AUDIENCE: 'a',
    OIDC_JWKS_URL: 'https://idp/jwks',
    OTEL_SERVICE_NAME: 's',
  };
  const problems = (extra: Record<string, string>) => {
    try {
      loadConfig(commonServiceConfig, { ...env, ...extra }, [commonConfigProblems]);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it('validates TLS settings at start-up: files must exist, cert and key come together, PLAIN needs TLS', () => {
    expect(problems({ HTTP_TLS_CERT_FILE: cert, HTTP_TLS_KEY_FILE: key, NODE_EXTRA_CA_CERTS: cert })).toEqual([]);
    expect(problems({ HTTP_TLS_CERT_FILE: join(dir, 'missing.pem'), HTTP_TLS_KEY_FILE: key })).toEqual([
      'HTTP_TLS_CERT_FILE must be the path of a readable file (got "' + join(dir, 'missing.pem') + '")',
    ]);
    expect(problems({ HTTP_TLS_CERT_FILE: cert })).toEqual([
      'HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE must be set together',
    ]);
    expect(problems({ NODE_EXTRA_CA_CERTS: dir })).toEqual([
      expect.stringMatching(/^NODE_EXTRA_CA_CERTS must be the path of a regular file/),
    ]);
    expect(problems({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual([
      'KAFKA_SASL_MECHANISM=plain sends the password in clear: it needs KAFKA_SSL=true',
    ]);
  });

  it('never echoes a secret path or value in a config error', () => {
    writeFileSync(join(dir, 'not-a-key'), 'x');
    const out = problems({ HTTP_TLS_CERT_FILE: cert, HTTP_TLS_KEY_FILE: join(dir, 'nope', 'key.pem') }).join(' ');
    expect(out).toContain('HTTP_TLS_KEY_FILE must be the path of a readable file');
    expect(out).not.toContain('nope');
  });
});
