// In-process only (ephemeral ports, dev issuer in the same process): no DB, no Kafka.
import { Body, Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Roles, startDevIssuer, type DevIssuer } from '@tutoring/shared/auth';
import { IsInt, IsString, Min } from 'class-validator';
import request from 'supertest';
import { flagCheck } from '../health/readiness';
import { bootstrapService } from './bootstrap-service';

const DISTRICT = '0b6f1c2e-6a59-4c1f-9d55-3f0d7b1a2c01';

class CreateWidgetDto {
  @ApiProperty()
  @IsString()
  label: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  size: number;
}

@Controller('widgets')
class WidgetsController {
  @Post()
  @Roles('district_admin')
  create(@Body() dto: CreateWidgetDto) {
    return { label: dto.label, size: dto.size, sizeType: typeof dto.size };
  }

  @Get()
  @Roles('district_admin')
  list() {
    return [];
  }
}

@Module({ controllers: [WidgetsController] })
class WidgetsModule {}

describe('bootstrapService', () => {
  let issuer: DevIssuer;
  let app: INestApplication;
  let token: string;
  let kafkaUp = true;
  let migrated = false;

  beforeAll(async () => {
    issuer = await startDevIssuer({ audience: 'widgets-api', log: () => undefined });
    app = await bootstrapService({
      name: 'widgets',
      module: WidgetsModule,
      handleSignals: false,
      config: {
        PORT: 0,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        OIDC_ISSUER: issuer.issuer,
        OIDC_AUDIENCE: 'widgets-api',
        OIDC_JWKS_URL: issuer.jwksUrl,
        OIDC_ALGORITHMS: ['RS256'],
        SHUTDOWN_GRACE_MS: 1000,
      },
      readiness: [
        { name: 'postgres', check: async () => undefined },
        {
          name: 'kafka',
          check: async () => {
            if (!kafkaUp) throw new Error('broker 10.1.2.3:9092 unreachable');
          },
        },
        flagCheck('migrations', () => migrated),
      ],
    });
    token = await issuer.mintToken({ sub: 'admin', roles: ['district_admin'], district_id: DISTRICT });
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  const http = () => request(app.getHttpServer());

  it('/health/live is 200 without a token and outside /v1', async () => {
    const res = await http().get('/health/live').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('/health/ready is 503 naming every failing check, without internals', async () => {
    kafkaUp = false;
    migrated = false;
    const res = await http().get('/health/ready').expect(503);
    expect(res.body.error).toEqual({
      kafka: { status: 'down', message: 'check failed' },
      migrations: { status: 'down', message: 'check failed' },
    });
    expect(res.body.info).toEqual({ postgres: { status: 'up' } });
    expect(JSON.stringify(res.body)).not.toContain('10.1.2.3');
  });

  it('/health/ready is 200 once every check passes', async () => {
    kafkaUp = true;
    migrated = true;
    const res = await http().get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.info).sort()).toEqual(['kafka', 'migrations', 'postgres']);
  });

  it('serves the OpenAPI document with bearer auth and /v1 routes', async () => {
    const res = await http().get('/docs-json').expect(200);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/widgets', '/health/ready']));
    await http().get('/docs').redirects(1).expect(200);
  });

  it('puts API routes under /v1 and keeps default deny', async () => {
    await http().get('/widgets').set('authorization', `Bearer ${token}`).expect(404);
    await http().get('/v1/widgets').expect(401);
    await http().get('/v1/widgets').set('authorization', `Bearer ${token}`).expect(200, []);
  });

  it('400 naming an unknown body property; transforms valid bodies', async () => {
    const bad = await http()
      .post('/v1/widgets')
      .set('authorization', `Bearer ${token}`)
      .send({ label: 'a', size: 2, districtId: DISTRICT })
      .expect(400);
    expect(bad.body.message).toEqual(['property districtId should not exist']);

    const invalid = await http()
      .post('/v1/widgets')
      .set('authorization', `Bearer ${token}`)
      .send({ label: 7, size: 0 })
      .expect(400);
    expect(invalid.body.message).toEqual(
      expect.arrayContaining(['label must be a string', 'size must not be less than 1']),
    );

    await http()
      .post('/v1/widgets')
      .set('authorization', `Bearer ${token}`)
      .send({ label: 'a', size: 2 })
      .expect(201, { label: 'a', size: 2, sizeType: 'number' });
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    await http()
      .post('/v1/widgets')
      .set('authorization', `Bearer ${token}`)
      .send({ label: 'x'.repeat(1024 * 1024 + 10), size: 1 })
      .expect(413);
  });
});
