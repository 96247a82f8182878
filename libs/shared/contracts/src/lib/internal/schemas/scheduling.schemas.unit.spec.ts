import { GROUP_FORMED_V1, OCCURRENCE_CANCELLED_V1, OCCURRENCE_PLANNED_V1 } from '../internal-events';
import { validateInternalEvent } from '../validate-internal-event';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('scheduling event schemas', () => {
  it('accepts a group snapshot and refuses unknown fields', () => {
    const group = {
      groupId: id(1),
      districtId: id(2),
      programId: id(3),
      schoolId: id(4),
      vendorId: id(5),
      tutorId: id(6),
      studentIds: [id(7), id(8)],
      tutorChangeReason: null,
      version: 1,
    };
    expect(validateInternalEvent(GROUP_FORMED_V1, group).ok).toBe(true);
    const extra = validateInternalEvent(GROUP_FORMED_V1, { ...group, name: 'x' });
    expect(extra.ok).toBe(false);
    expect(validateInternalEvent(GROUP_FORMED_V1, { ...group, studentIds: [id(7), id(7)] }).ok).toBe(false);
  });

  it('accepts a planned occurrence and refuses one without students', () => {
    const occurrence = {
      occurrenceId: id(10),
      districtId: id(2),
      groupId: id(1),
      programId: id(3),
      schoolId: id(4),
      vendorId: id(5),
      tutorId: id(6),
      studentIds: [id(7)],
      date: '2026-11-02',
      startsAt: '2026-11-02T09:00:00-06:00',
      endsAt: '2026-11-02T09:30:00-06:00',
    };
    expect(validateInternalEvent(OCCURRENCE_PLANNED_V1, occurrence).ok).toBe(true);
    expect(validateInternalEvent(OCCURRENCE_PLANNED_V1, { ...occurrence, studentIds: [] }).ok).toBe(false);
  });

  it('accepts a cancellation with reason and accountability, refuses an unknown reason', () => {
    const cancelled = {
      occurrenceId: id(10),
      districtId: id(2),
      groupId: id(1),
      vendorId: id(5),
      reason: 'tutor_absence',
      accountable: 'vendor',
      studentIds: [id(7)],
      note: null,
    };
    expect(validateInternalEvent(OCCURRENCE_CANCELLED_V1, cancelled).ok).toBe(true);
    expect(validateInternalEvent(OCCURRENCE_CANCELLED_V1, { ...cancelled, reason: 'weather' }).ok).toBe(false);
    expect(validateInternalEvent(OCCURRENCE_CANCELLED_V1, { ...cancelled, accountable: 'nobody' }).ok).toBe(false);
  });
});
