// In-process only: the OpenAPI document tells, per operation, who may call it (and names undeclared routes).
import { Controller, Delete, Get, Module, Param, type INestApplication } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { Public, Roles, startDevIssuer, type DevIssuer } from '@tutoring/shared/auth';
import { bootstrapService } from './bootstrap-service';

@Roles('district_admin')
@Controller('things')
class ThingsController {
  @Get()
  @Roles('district_admin', 'teacher')
  list() {
    return [];
  }

  @Get(':thingId')
  one(@Param('thingId') id: string) {
    return { id };
  }

  @Get('open/ping')
  @Public()
  ping() {
    return 'pong';
  }
}

@Controller('forgotten')
class ForgottenController {
  @Delete(':id')
  @ApiExcludeEndpoint()
  remove() {
    return undefined;
  }
}

@Module({ controllers: [ThingsController, ForgottenController] })
class ThingsModule {}

describe('x-access in the OpenAPI document', () => {
  let issuer: DevIssuer;
  let app: INestApplication;
  let doc: { paths: Record<string, Record<string, { 'x-access'?: unknown; 'x-undocumented'?: boolean }>> };

  beforeAll(async () => {
    issuer = await startDevIssuer({ audience: 'things-api', log: () => undefined });
    app = await bootstrapService({
      name: 'things',
      module: ThingsModule,
      handleSignals: false,
      config: {
        PORT: 0,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        OIDC_ISSUER: issuer.issuer,
        OIDC_AUDIENCE: 'things-api',
        OIDC_JWKS_URL: issuer.jwksUrl,
        OIDC_ALGORITHMS: ['RS256'],
        SHUTDOWN_GRACE_MS: 1000,
      },
    });
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    doc = (await (await fetch(`${base}/docs-json`)).json()) as typeof doc;
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  it('gives method roles over controller roles, marks public routes, and shows hidden undeclared routes', () => {
    expect(doc.paths['/v1/things']?.['get']?.['x-access']).toEqual({ roles: ['district_admin', 'teacher'] });
    expect(doc.paths['/v1/things/{thingId}']?.['get']?.['x-access']).toEqual({ roles: ['district_admin'] });
    expect(doc.paths['/v1/things/open/ping']?.['get']?.['x-access']).toEqual({ public: true });
    expect(doc.paths['/health/live']?.['get']?.['x-access']).toEqual({ public: true });
    expect(doc.paths['/v1/forgotten/{id}']?.['delete']).toMatchObject({
      'x-access': { undeclared: true },
      'x-undocumented': true,
    });
  });
});
