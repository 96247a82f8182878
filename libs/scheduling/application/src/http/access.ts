// Object-level authorization (OWASP API1): who may see or change which groups and occurrences.
import {
  ConflictException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Principal } from '@tutoring/shared/auth';
import { ScheduleConflictError, StaleProposalError } from '@tutoring/scheduling/domain';
import { NotFound, NotReady, type Actor } from '../commands/scheduling.service';

/** The acting principal of a request, for commands and their audit entries (`via`: the route). */
export const actorOf = (p: Principal, via: string): Actor => ({
  districtId: p.districtId,
  by: p.sub,
  roles: p.roles,
  via,
});

const isDistrictWide = (p: Principal): boolean =>
  p.roles.includes('district_admin') || p.roles.includes('program_manager');

/** Writers: district-wide roles anywhere; a school leader only at their own schools. */
export const assertMayChangeSchool = (p: Principal, schoolId: string): void => {
  if (isDistrictWide(p)) return;
  if (p.roles.includes('school_leader') && p.schoolIds.includes(schoolId)) return;
  throw new ForbiddenException(`not allowed to change the schedule of school ${schoolId}`);
};

export interface ReadScope {
  vendorId?: string;
  schoolIds?: readonly string[];
}

/** Readers: a vendor sees only its own groups and occurrences, a school leader only their schools'. */
export const readScope = (p: Principal): ReadScope => {
  if (isDistrictWide(p)) return {};
  if (p.roles.includes('school_leader')) return { schoolIds: p.schoolIds };
  if (p.roles.includes('vendor')) {
    if (!p.vendorId) throw new ForbiddenException('vendor token carries no vendor id');
    return { vendorId: p.vendorId };
  }
  throw new ForbiddenException('no read access to schedules');
};

export const visible = (scope: ReadScope, row: { vendorId: string; schoolId: string }): boolean =>
  (!scope.vendorId || row.vendorId === scope.vendorId) && (!scope.schoolIds || scope.schoolIds.includes(row.schoolId));

/** Domain refusals to HTTP: a conflict is 409 with every conflict named. */
export const toHttpError = (error: unknown): unknown => {
  if (error instanceof HttpException) return error;
  if (error instanceof StaleProposalError)
    return new ConflictException({
      statusCode: 409,
      error: 'stale_proposal',
      message: `proposal ${error.proposalId} cannot be applied as it is: ${error.message}`,
      proposalId: error.proposalId,
      conflicts: error.conflicts,
    });
  if (error instanceof ScheduleConflictError)
    return new ConflictException({
      statusCode: 409,
      error: 'schedule_conflict',
      message: error.message,
      conflicts: error.conflicts,
    });
  if (error instanceof NotFound) return new NotFoundException(error.message);
  if (error instanceof NotReady) return new UnprocessableEntityException(error.message);
  return error;
};

export const mapErrors = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw toHttpError(error);
  }
};
