import { NotFoundException, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { OrganisationRuleViolation } from '@tutoring/enrollment/domain';
import { NotFound, StudentCrypto, StudentNotFound, type TeacherRef } from '@tutoring/enrollment/infrastructure';
import type { Principal } from '@tutoring/shared/auth';

/** Domain and store errors as HTTP answers; anything else is a 500. */
export function toHttpError(error: unknown): unknown {
  if (error instanceof OrganisationRuleViolation)
    return new UnprocessableEntityException({ code: error.code, message: error.message });
  if (error instanceof NotFound || error instanceof StudentNotFound) return new NotFoundException(error.message);
  return error;
}

export async function mapErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toHttpError(error);
  }
}

export function requireCrypto(crypto: StudentCrypto | null): StudentCrypto {
  if (!crypto) {
    throw new ServiceUnavailableException('student PII is unavailable: ENROLLMENT_MASTER_KEY is not configured');
  }
  return crypto;
}

export const isOnly = (p: Principal, role: string): boolean =>
  p.roles.includes(role as never) && !p.roles.some((r) => ['district_admin', 'program_manager'].includes(r));

/**
 * The teacher scope of a caller whose only student-reading role is `teacher` (ADR 0018): the token's `teacher_id`
 * claim, or else its subject, names the teacher's OneRoster user sourcedId. Undefined for callers with a wider role
 * (district_admin, program_manager, school_leader), who are scoped by those roles instead.
 */
export const teacherScope = (p: Principal, now = new Date()): TeacherRef | undefined =>
  p.roles.includes('teacher') &&
  !p.roles.some((r) => ['district_admin', 'program_manager', 'school_leader'].includes(r))
    ? { teacherKey: p.teacherId ?? p.sub, now }
    : undefined;
