// In-process HTTP only (ephemeral port, dev issuer in the same process): no DB, no Kafka.
import { Body, Controller, Get, Module, Post, Query, type INestApplication } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Roles, startDevIssuer, type DevIssuer } from '@tutoring/shared/auth';
import { bootstrapService } from '../bootstrap/bootstrap-service';
import { PageQueryDto } from './pagination';

const DISTRICT = '0b6f1c2e-6a59-4c1f-9d55-3f0d7b1a2c01';
const VENDOR_A = '1b6f1c2e-6a59-4c1f-9d55-3f0d7b1a2c01';
const VENDOR_B = '2b6f1c2e-6a59-4c1f-9d55-3f0d7b1a2c01';

class NoteDto {
  @ApiProperty()
  @IsString()
  @MaxLength(100_000)
  text: string;
}

/** A list whose DTO has no @Max on limit: the page-size backstop must still refuse 500. */
class SloppyPageDto {
  @IsString()
  limit?: string;
}

@Controller('notes')
class NotesController {
  @Post()
  @Roles('district_admin', 'vendor')
  create(@Body() dto: NoteDto) {
    return { length: dto.text.length };
  }

  @Get()
  @Roles('district_admin', 'vendor')
  list(@Query() query: PageQueryDto) {
    return { limit: query.limit ?? null };
  }

  @Get('sloppy')
  @Roles('district_admin')
  sloppy(@Query() query: SloppyPageDto) {
    return { limit: query.limit ?? null };
  }
}

@Module({ controllers: [NotesController] })
class NotesModule {}

describe('abuse limits in the shared bootstrap', () => {
  let issuer: DevIssuer;
  let app: INestApplication;
  let base: string;
  const RATE = 5;

  beforeAll(async () => {
    issuer = await startDevIssuer({ audience: 'limits-api', log: () => undefined });
    app = await bootstrapService({
      name: 'limits',
      module: NotesModule,
      handleSignals: false,
      config: {
        PORT: 0,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        OIDC_ISSUER: issuer.issuer,
        OIDC_AUDIENCE: 'limits-api',
        OIDC_JWKS_URL: issuer.jwksUrl,
        OIDC_ALGORITHMS: ['RS256'],
        SHUTDOWN_GRACE_MS: 1000,
        HTTP_BODY_LIMIT_BYTES: 4096,
        RATE_LIMIT_REQUESTS: RATE,
        RATE_LIMIT_WINDOW_SEC: 60,
      },
    });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  const admin = (sub: string) => issuer.mintToken({ sub, roles: ['district_admin'], district_id: DISTRICT });
  const vendor = (sub: string, vendorId: string) =>
    issuer.mintToken({ sub, roles: ['vendor'], district_id: DISTRICT, vendor_id: vendorId });
  const post = (token: string, body: unknown) =>
    fetch(`${base}/v1/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (token: string, path: string) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('refuses properties the DTO does not declare (approved, vendorId) with 400 naming them', async () => {
    const token = await admin('validation');
    for (const extra of [{ approved: true }, { vendorId: VENDOR_B }, { districtId: DISTRICT }]) {
      const res = await post(token, { text: 'hello', ...extra });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(`property ${Object.keys(extra)[0]} should not exist`);
    }
    expect((await post(token, { text: 'hello' })).status).toBe(201);
  });

  it('refuses a body over HTTP_BODY_LIMIT_BYTES with 413', async () => {
    const token = await admin('body');
    expect((await post(token, { text: 'x'.repeat(3000) })).status).toBe(201);
    const res = await post(token, { text: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
  });

  it('refuses a page size over 200, even on a route whose DTO forgot the cap', async () => {
    const token = await admin('pages');
    expect((await get(token, '/v1/notes?limit=200')).status).toBe(200);
    expect((await get(token, '/v1/notes?limit=201')).status).toBe(400);
    expect((await get(token, '/v1/notes/sloppy?limit=5000')).status).toBe(400);
    expect((await get(token, '/v1/notes/sloppy?limit=20')).status).toBe(200);
  });

  it('answers 429 with Retry-After once an identity spends its budget; other identities still pass', async () => {
    const alice = await admin('alice');
    const bob = await admin('bob');
    for (let i = 0; i < RATE; i++) expect((await get(alice, '/v1/notes')).status).toBe(200);
    const limited = await get(alice, '/v1/notes');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await get(bob, '/v1/notes')).status).toBe(200);
    // a fresh token for the same subject does not reset the budget (the identity is the subject, not the token)
    expect((await get(await admin('alice'), '/v1/notes')).status).toBe(429);
  });

  it('counts all machine clients of one vendor together, and vendors separately', async () => {
    const a1 = await vendor('vendor-a-client-1', VENDOR_A);
    const a2 = await vendor('vendor-a-client-2', VENDOR_A);
    const b = await vendor('vendor-b-client', VENDOR_B);
    for (let i = 0; i < RATE; i++) expect((await get(i % 2 ? a1 : a2, '/v1/notes')).status).toBe(200);
    expect((await get(a2, '/v1/notes')).status).toBe(429);
    expect((await get(b, '/v1/notes')).status).toBe(200);
  });
});
