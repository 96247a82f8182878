import {
  SESSION_ACCEPTED_V1,
  SESSION_REJECTED_V1,
  STATEMENT_APPROVED_V1,
  STATEMENT_ISSUED_V1,
  VENDOR_REGISTERED_V1,
  type EventType,
} from '../event-types';
import {
  aSessionAccepted,
  aSessionRejected,
  aStatementApproved,
  aStatementIssued,
  aStatementLine,
  aVendorRegistered,
} from '../../testing/event.builders';
import { testUuid } from '../../testing/ids';
import { validateWithDecorators } from '../dto/validate-with-decorators';
import { validateEvent } from './validate-event';
import { vendorAgreementErrors } from './vendor-agreement';
import { vendorSource } from '../sources';
import { vendorFeedbackTopic, vendorSessionsTopic } from '../topics';

const statement = (overrides: Record<string, unknown> = {}) => ({ ...aStatementIssued(), ...overrides });

describe('valid examples of the other v1 events', () => {
  it.each<[EventType, unknown]>([
    [SESSION_ACCEPTED_V1, aSessionAccepted()],
    [
      SESSION_ACCEPTED_V1,
      aSessionAccepted({
        exceptions: [{ studentId: testUuid(1), code: 'not_enrolled', message: 'Not enrolled on 2025-03-04' }],
      }),
    ],
    [SESSION_REJECTED_V1, aSessionRejected()],
    [
      SESSION_REJECTED_V1,
      aSessionRejected({
        sessionId: null,
        eventId: null,
        errors: [{ path: '', code: 'type', message: 'data must be of type object' }],
      }),
    ],
    [STATEMENT_ISSUED_V1, aStatementIssued()],
    [STATEMENT_ISSUED_V1, aStatementIssued({ lines: [], kind: 'settlement' })],
    [
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ studentId: null, quantity: '-3', amountCents: -120 })] }),
    ],
    [STATEMENT_APPROVED_V1, aStatementApproved()],
    [VENDOR_REGISTERED_V1, aVendorRegistered()],
  ])('%s', (type, data) => {
    expect(validateEvent(type, data)).toEqual({ ok: true, value: data });
    expect(validateWithDecorators(type, data).ok).toBe(true);
  });
});

describe('failing examples name the path and code', () => {
  it.each<[string, EventType, unknown, string, string]>([
    ['periodEnd before periodStart', STATEMENT_ISSUED_V1, statement({ periodEnd: '2025-02-28' }), 'periodEnd', 'order'],
    ['periodStart not a date', STATEMENT_ISSUED_V1, statement({ periodStart: '2025-02-30' }), 'periodStart', 'format'],
    ['total does not add up', STATEMENT_ISSUED_V1, statement({ totalCents: 1 }), 'totalCents', 'mismatch'],
    ['money as a float', STATEMENT_ISSUED_V1, statement({ totalCents: 400.5 }), 'totalCents', 'type'],
    ['currency not USD', STATEMENT_ISSUED_V1, statement({ currency: 'EUR' }), 'currency', 'enum'],
    ['statement kind unknown', STATEMENT_ISSUED_V1, statement({ kind: 'interim' }), 'kind', 'enum'],
    [
      'line kind unknown',
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ kind: 'bonus' as never })] }),
      'lines[0].kind',
      'enum',
    ],
    [
      'quantity a number',
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ quantity: 12.5 as never })] }),
      'lines[0].quantity',
      'type',
    ],
    [
      'quantity in exponent form',
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ quantity: '1e3' })] }),
      'lines[0].quantity',
      'format',
    ],
    [
      'quantity with a trailing dot',
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ quantity: '12.' })] }),
      'lines[0].quantity',
      'format',
    ],
    [
      'unit unknown',
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ unit: 'hour' as never })] }),
      'lines[0].unit',
      'enum',
    ],
    [
      'evidence range descending',
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ evidence: { ledgerPositions: [9, 3], entries: 1 } })] }),
      'lines[0].evidence.ledgerPositions',
      'order',
    ],
    [
      'evidence past the statement position',
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ evidence: { ledgerPositions: [1, 101], entries: 1 } })] }),
      'lines[0].evidence.ledgerPositions',
      'range',
    ],
    [
      'evidence range of three',
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ evidence: { ledgerPositions: [1, 2, 3] as never, entries: 1 } })] }),
      'lines[0].evidence.ledgerPositions',
      'too_long',
    ],
    [
      'evidence missing entries',
      STATEMENT_ISSUED_V1,
      aStatementIssued({ lines: [aStatementLine({ evidence: { ledgerPositions: [1, 2] } as never })] }),
      'lines[0].evidence.entries',
      'required',
    ],
    [
      'computedAt without offset',
      STATEMENT_ISSUED_V1,
      statement({ computedAt: '2025-04-01T06:00:00' }),
      'computedAt',
      'format',
    ],
    ['approvedBy empty', STATEMENT_APPROVED_V1, aStatementApproved({ approvedBy: '' }), 'approvedBy', 'too_short'],
    [
      'approvedAt a number',
      STATEMENT_APPROVED_V1,
      aStatementApproved({ approvedAt: 1700000000 as never }),
      'approvedAt',
      'type',
    ],
    [
      'approved with an extra property',
      STATEMENT_APPROVED_V1,
      { ...aStatementApproved(), extra: 1 },
      'extra',
      'not_allowed',
    ],
    ['ledgerPosition zero', SESSION_ACCEPTED_V1, aSessionAccepted({ ledgerPosition: 0 }), 'ledgerPosition', 'range'],
    [
      'exception code with capitals',
      SESSION_ACCEPTED_V1,
      aSessionAccepted({ exceptions: [{ studentId: testUuid(1), code: 'NotEnrolled', message: 'x' }] }),
      'exceptions[0].code',
      'format',
    ],
    ['rejected without errors', SESSION_REJECTED_V1, aSessionRejected({ errors: [] }), 'errors', 'too_short'],
    ['rejected eventId empty', SESSION_REJECTED_V1, aSessionRejected({ eventId: '' }), 'eventId', 'too_short'],
    ['vendor name too long', VENDOR_REGISTERED_V1, aVendorRegistered({ name: 'x'.repeat(201) }), 'name', 'too_long'],
    [
      'vendor registeredAt missing',
      VENDOR_REGISTERED_V1,
      { ...aVendorRegistered(), registeredAt: undefined },
      'registeredAt',
      'required',
    ],
  ])('%s', (_name, type, data, path, code) => {
    const result = validateEvent(type, JSON.parse(JSON.stringify(data)));
    expect(result.ok ? [] : result.errors).toContainEqual(expect.objectContaining({ path, code }));
    expect(validateWithDecorators(type, JSON.parse(JSON.stringify(data))).ok).toBe(false);
  });
});

describe('topic, ce_source and data.vendorId agree', () => {
  const vendorId = testUuid(5);
  const other = testUuid(6);
  const data = { vendorId };

  it('accepts a vendor speaking for itself', () => {
    expect(
      vendorAgreementErrors({ topic: vendorSessionsTopic(vendorId), source: vendorSource(vendorId), data }),
    ).toEqual([]);
    expect(vendorAgreementErrors({ authenticatedVendorId: vendorId, source: vendorSource(vendorId), data })).toEqual(
      [],
    );
  });

  it.each([
    ['source not a vendor URN', { topic: vendorSessionsTopic(vendorId), source: 'urn:x', data }, 'ce_source', 'format'],
    [
      'another vendor in the source',
      { topic: vendorSessionsTopic(vendorId), source: vendorSource(other), data: { vendorId: other } },
      'ce_source',
      'mismatch',
    ],
    [
      'another vendor in the data',
      { topic: vendorSessionsTopic(vendorId), source: vendorSource(vendorId), data: { vendorId: other } },
      'vendorId',
      'mismatch',
    ],
    [
      'not a sessions topic',
      { topic: vendorFeedbackTopic(vendorId), source: vendorSource(vendorId), data },
      'topic',
      'format',
    ],
    [
      'not the authenticated vendor',
      { authenticatedVendorId: other, source: vendorSource(vendorId), data },
      'ce_source',
      'mismatch',
    ],
  ])('%s', (_name, origin, path, code) => {
    expect(vendorAgreementErrors(origin)).toContainEqual(expect.objectContaining({ path, code }));
  });
});
