// Builders for valid v1 event data: start from a valid default, override what the test is about.
import type {
  AttendanceLineV1,
  SessionAcceptedV1,
  SessionCorrectedV1,
  SessionDeliveredV1,
  SessionNoteV1,
  SessionRejectedV1,
  SessionVoidedV1,
  StatementApprovedV1,
  StatementIssuedV1,
  StatementLineV1,
  VendorRegisteredV1,
} from '../lib/event-data.types';
import { TEST_IDS } from './ids';

export const anAttendanceLine = (overrides: Partial<AttendanceLineV1> = {}): AttendanceLineV1 => ({
  studentId: TEST_IDS.studentIds[0],
  status: 'present',
  minutes: 45,
  ...overrides,
});

export const aSessionNote = (overrides: Partial<SessionNoteV1> = {}): SessionNoteV1 => ({
  studentId: TEST_IDS.studentIds[0],
  skill: 'CCSS.MATH.CONTENT.3.OA.A.1',
  progress: 'progressing',
  comment: 'Worked through arrays; needs practice with word problems.',
  ...overrides,
});

/** A 45-minute virtual math session with two present students. */
export const aSessionDelivered = (overrides: Partial<SessionDeliveredV1> = {}): SessionDeliveredV1 => ({
  sessionId: 'vendor-session-0001',
  vendorId: TEST_IDS.vendorId,
  districtId: TEST_IDS.districtId,
  tutorId: TEST_IDS.tutorId,
  groupId: TEST_IDS.groupId,
  scheduledSessionId: TEST_IDS.scheduledSessionId,
  subject: 'math',
  modality: 'virtual',
  startedAt: '2025-03-04T10:00:00-05:00',
  endedAt: '2025-03-04T10:45:00-05:00',
  attendance: [
    anAttendanceLine(),
    anAttendanceLine({ studentId: TEST_IDS.studentIds[1], status: 'late', minutes: 40 }),
  ],
  notes: [aSessionNote()],
  ...overrides,
});

export const aSessionCorrected = (overrides: Partial<SessionCorrectedV1> = {}): SessionCorrectedV1 => ({
  ...aSessionDelivered(),
  reason: 'Second student arrived late, not on time',
  ...overrides,
});

export const aSessionVoided = (overrides: Partial<SessionVoidedV1> = {}): SessionVoidedV1 => ({
  sessionId: 'vendor-session-0001',
  vendorId: TEST_IDS.vendorId,
  districtId: TEST_IDS.districtId,
  reason: 'Reported twice by mistake',
  ...overrides,
});

export const aSessionAccepted = (overrides: Partial<SessionAcceptedV1> = {}): SessionAcceptedV1 => ({
  sessionId: 'vendor-session-0001',
  eventId: '6f1c2b8e-3d4a-4b5c-9d6e-7f8091a2b3c4',
  ledgerPosition: 1,
  exceptions: [],
  ...overrides,
});

export const aSessionRejected = (overrides: Partial<SessionRejectedV1> = {}): SessionRejectedV1 => ({
  sessionId: 'vendor-session-0001',
  eventId: '6f1c2b8e-3d4a-4b5c-9d6e-7f8091a2b3c4',
  errors: [{ path: 'attendance[0].minutes', code: 'range', message: 'attendance[0].minutes must be <= 240' }],
  ...overrides,
});

export const aStatementLine = (overrides: Partial<StatementLineV1> = {}): StatementLineV1 => ({
  kind: 'base',
  description: 'Attended student-hours',
  studentId: TEST_IDS.studentIds[0],
  quantity: '12.5',
  unit: 'student_hour',
  unitPriceCents: 4000,
  amountCents: 50000,
  evidence: { ledgerPositions: [1, 40], entries: 17 },
  ...overrides,
});

/** totalCents defaults to the sum of the lines, so overriding lines keeps the statement valid. */
export const aStatementIssued = (overrides: Partial<StatementIssuedV1> = {}): StatementIssuedV1 => {
  const lines = overrides.lines ?? [
    aStatementLine(),
    aStatementLine({ kind: 'holdback', quantity: '1', unit: 'student', unitPriceCents: -10000, amountCents: -10000 }),
  ];
  return {
    statementId: TEST_IDS.statementId,
    districtId: TEST_IDS.districtId,
    contractId: TEST_IDS.contractId,
    vendorId: TEST_IDS.vendorId,
    kind: 'base',
    periodStart: '2025-03-01',
    periodEnd: '2025-03-31',
    currency: 'USD',
    lines,
    totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    ledgerPosition: 100,
    computedAt: '2025-04-01T06:00:00Z',
    ...overrides,
  };
};

export const aStatementApproved = (overrides: Partial<StatementApprovedV1> = {}): StatementApprovedV1 => ({
  statementId: TEST_IDS.statementId,
  contractId: TEST_IDS.contractId,
  approvedBy: 'oidc|finance-approver-7',
  approvedAt: '2025-04-03T14:30:00-04:00',
  totalCents: 40000,
  ...overrides,
});

export const aVendorRegistered = (overrides: Partial<VendorRegisteredV1> = {}): VendorRegisteredV1 => ({
  vendorId: TEST_IDS.vendorId,
  districtId: TEST_IDS.districtId,
  name: 'Example Tutoring Co.',
  registeredAt: '2025-01-15T09:00:00-05:00',
  ...overrides,
});
