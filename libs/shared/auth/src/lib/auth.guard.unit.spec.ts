// In-process only: a Nest app on an ephemeral port and the dev issuer on another. No DB, no Kafka.
import { Body, Controller, Get, Logger, Post, type INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { mintBadTokens, type BadTokens } from '../dev/bad-tokens';
import { startDevIssuer, type DevIssuer, type DevTokenClaims } from '../dev/dev-issuer.server';
import { CurrentPrincipal, Public, Roles } from './auth.decorators';
import { AuthModule } from './auth.module';
import type { Principal } from './principal';
import { currentTenant, TenantContext } from './tenant.context';

const DISTRICT = '0b6f1c2e-6a59-4c1f-9d55-3f0d7b1a2c01';
const OTHER_DISTRICT = '9f9f9f9f-6a59-4c1f-9d55-3f0d7b1a2c99';
const AUDIENCE = 'urn:tutoring:test-api';

@Controller('things')
class ThingsController {
  constructor(private readonly tenant: TenantContext) {}

  @Get('admin')
  @Roles('district_admin', 'program_manager')
  admin(@CurrentPrincipal() principal: Principal) {
    return { sub: principal.sub };
  }

  @Post('echo-tenant')
  @Roles('district_admin')
  async echoTenant(@Body() body: { districtId?: string }) {
    // Cross an await so the test proves the tenant survives async hops.
    await new Promise((resolve) => setImmediate(resolve));
    return { fromContext: currentTenant().districtId, fromAccessor: this.tenant.districtId, bodySaid: body.districtId };
  }

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }

  @Get('forgotten')
  forgotten() {
    return { leaked: true };
  }
}

describe('AuthGuard (default deny, bearer JWT)', () => {
  let issuer: DevIssuer;
  let app: INestApplication;
  let bad: BadTokens;
  const admin: DevTokenClaims = { sub: 'admin-1', roles: ['district_admin'], district_id: DISTRICT };
  const errors: unknown[] = [];

  beforeAll(async () => {
    issuer = await startDevIssuer({ audience: AUDIENCE, log: () => undefined });
    @Module({
      imports: [AuthModule.forRoot({ issuer: issuer.issuer, audience: AUDIENCE, jwksUrl: issuer.jwksUrl, algorithms: ['RS256'] })],
      controllers: [ThingsController],
    })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args);
    });
    await app.init();
    bad = await mintBadTokens(issuer, admin);
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  const get = (path: string, token?: string) => {
    const req = request(app.getHttpServer()).get(path);
    return token ? req.set('authorization', `Bearer ${token}`) : req;
  };

  it('401 without a token, with the standard JSON body', async () => {
    const res = await get('/things/admin').expect(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'bearer token is missing' });
  });

  it.each<[keyof BadTokens, string]>([
    ['expired', 'token has expired'],
    ['wrongAudience', 'token audience is not accepted'],
    ['wrongIssuer', 'token issuer is not accepted'],
    ['algNone', 'token algorithm is not accepted'],
    ['wrongKey', 'token signature is invalid'],
    ['malformed', 'token is malformed'],
  ])('401 for a %s token', async (kind, message) => {
    const res = await get('/things/admin', bad[kind]).expect(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message });
  });

  it('401 when the token lacks district_id', async () => {
    const token = await issuer.mintToken({ sub: 'x', roles: ['district_admin'] } as unknown as DevTokenClaims);
    const res = await get('/things/admin', token).expect(401);
    expect(res.body.message).toBe('claim district_id is required');
  });

  it('403 for a valid token without the required role', async () => {
    const token = await issuer.mintToken({ ...admin, roles: ['teacher'] });
    const res = await get('/things/admin', token).expect(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'insufficient role' });
  });

  it('200 for a valid token with one of the roles', async () => {
    const token = await issuer.mintToken({ ...admin, roles: ['program_manager', 'made_up'] });
    const res = await get('/things/admin', token).expect(200);
    expect(res.body).toEqual({ sub: 'admin-1' });
  });

  it('200 on a @Public route without a token', async () => {
    await get('/things/health').expect(200, { ok: true });
  });

  it('403 on an undecorated route even with a valid token, and logs the route as a bug', async () => {
    const token = await issuer.mintToken(admin);
    const res = await get('/things/forgotten', token).expect(403);
    expect(res.body.leaked).toBeUndefined();
    expect(JSON.stringify(errors)).toContain('ThingsController.forgotten');
  });

  it('takes the tenant from the token, never from the body', async () => {
    const token = await issuer.mintToken(admin);
    const res = await request(app.getHttpServer())
      .post('/things/echo-tenant')
      .set('authorization', `Bearer ${token}`)
      .send({ districtId: OTHER_DISTRICT })
      .expect(201);
    expect(res.body).toEqual({ fromContext: DISTRICT, fromAccessor: DISTRICT, bodySaid: OTHER_DISTRICT });
  });

  it('serves discovery and JWKS, and mints tokens over POST /token', async () => {
    const discovery = await request(issuer.issuer).get('/.well-known/openid-configuration').expect(200);
    expect(discovery.body).toMatchObject({ issuer: issuer.issuer, jwks_uri: issuer.jwksUrl });
    const jwks = await request(issuer.issuer).get('/jwks.json').expect(200);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', kid: issuer.kid, alg: 'RS256' });
    expect(jwks.body.keys[0].d).toBeUndefined();
    const minted = await request(issuer.issuer).post('/token').send({ ...admin, expires_in: 60 }).expect(200);
    await get('/things/admin', minted.body.access_token).expect(200);
  });
});
