/** A deterministic, valid lowercase UUID for tests: testUuid(7) = 00000000-0000-4000-8000-000000000007. */
export const testUuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export const TEST_IDS = Object.freeze({
  vendorId: 'a0000000-0000-4000-8000-000000000001',
  districtId: 'd0000000-0000-4000-8000-000000000001',
  tutorId: 'b0000000-0000-4000-8000-000000000001',
  groupId: 'c0000000-0000-4000-8000-000000000001',
  scheduledSessionId: 'e0000000-0000-4000-8000-000000000001',
  contractId: 'f0000000-0000-4000-8000-000000000001',
  statementId: 'f1000000-0000-4000-8000-000000000001',
  studentIds: [testUuid(1), testUuid(2), testUuid(3)] as const,
});
