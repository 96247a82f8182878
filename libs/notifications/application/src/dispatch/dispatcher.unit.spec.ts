import {
  DOSAGE_BELOW_TARGET_V1,
  ENROLMENT_CHANGED_V1,
  INTERNAL_EVENT_SCHEMAS,
  STATEMENT_ISSUED_V1,
  contractsTesting,
} from '@tutoring/shared/contracts';
import {
  deliveryId,
  LoggingSmsProviderForLocalOnly,
  notificationId,
  signWebhook,
} from '@tutoring/notifications/infrastructure';
import { validateInput } from '../events/event-inputs';
import { backoffMs, DEFAULT_DISPATCHER_OPTIONS } from './dispatcher.service';

describe('retries', () => {
  it('back off exponentially from the base, capped', () => {
    const o = { backoffBaseMs: 1_000, backoffMaxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, o))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(DEFAULT_DISPATCHER_OPTIONS.maxAttempts).toBeGreaterThan(1);
  });
});

describe('ids', () => {
  it('a notification id depends on rule, source, recipient and channel only; a delivery id on its set of notifications', () => {
    const a = notificationId('dosage_below_target', 'dosage:s:2026-W47', 'lead-1', 'email');
    expect(notificationId('dosage_below_target', 'dosage:s:2026-W47', 'lead-1', 'email')).toBe(a);
    expect(notificationId('dosage_below_target', 'dosage:s:2026-W47', 'lead-1', 'sms')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryId(['x', 'y'])).toBe(deliveryId(['y', 'x']));
  });
});

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>" (known answer from openssl)', () => {
    // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
    expect(signWebhook('secret', '1700000000', '{"a":1}')).toBe(
      'sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686',
    );
    expect(signWebhook('secret', '1700000001', '{"a":1}')).not.toBe(signWebhook('secret', '1700000000', '{"a":1}'));
  });
});

describe('local-only SMS provider', () => {
  it('logs the delivery id and length, never the number or the text', async () => {
    const lines: unknown[] = [];
    const logger = {
      info: (o: unknown, m: string) => lines.push([o, m]),
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
    };
    const provider = new LoggingSmsProviderForLocalOnly(logger as never);
    await provider.sendSms('+15555550123', 'Your child attended 3 sessions', 'delivery-1');
    const logged = JSON.stringify(lines);
    expect(logged).toContain('delivery-1');
    expect(logged).not.toContain('5555550123');
    expect(logged).not.toContain('attended');
  });
});

describe('input validation', () => {
  it('uses the producer schema where it exists, and field checks where the producer has not published one yet', () => {
    const dosage = {
      districtId: contractsTesting.TEST_IDS.districtId,
      studentId: contractsTesting.testUuid(9),
      schoolId: null,
      programId: null,
      isoWeek: '2026-W47',
      attendedMinutes: 30,
      targetMinutes: 90,
      consecutiveWeeks: 2,
    };
    // session-ledger publishes the dosage schema: notifications validates against it, not a copy of its own.
    expect(INTERNAL_EVENT_SCHEMAS[DOSAGE_BELOW_TARGET_V1]).toBeDefined();
    expect(validateInput(DOSAGE_BELOW_TARGET_V1, dosage)).toMatchObject({ ok: true, checkedBy: 'producer-schema' });
    const bad = validateInput(DOSAGE_BELOW_TARGET_V1, { ...dosage, consecutiveWeeks: 'two', studentId: 'nope' });
    expect(bad.ok).toBe(false);
    // Limits only the producer's schema knows: a streak starts at 1, a week label must be a real week number.
    expect(validateInput(DOSAGE_BELOW_TARGET_V1, { ...dosage, consecutiveWeeks: 0 }).ok).toBe(false);
    expect(validateInput(DOSAGE_BELOW_TARGET_V1, { ...dosage, isoWeek: '2026-W60' }).ok).toBe(false);
    expect(validateInput(STATEMENT_ISSUED_V1, contractsTesting.aStatementIssued())).toMatchObject({
      ok: true,
      checkedBy: 'producer-schema',
    });
    expect(validateInput(STATEMENT_ISSUED_V1, { ...contractsTesting.aStatementIssued(), totalCents: 1 }).ok).toBe(
      false,
    );
    expect(validateInput(ENROLMENT_CHANGED_V1, { enrolmentId: 'x' }).ok).toBe(false);
  });
});
