// Domain and store errors → HTTP. Rule violations are 422 with their code; the four-eyes rule is 403.
import {
  ConflictException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  ContractRuleViolation,
  StatementRuleViolation,
  WorkflowRuleViolation,
  rateCardErrors,
  type RateCard,
} from '@tutoring/outcomes-contracting/domain';
import { StatementAlreadyIssued } from '@tutoring/outcomes-contracting/infrastructure';
import type { Principal } from '@tutoring/shared/auth';
import { ContractNotFound } from '../contracts/contracts.service';
import { rateCardShapeErrors } from '../contracts/rate-card.schema';
import { StatementNotFound, type Actor } from '../statements/statements.service';

export const toHttpError = (error: unknown): unknown => {
  if (error instanceof HttpException) return error;
  if (error instanceof ContractNotFound || error instanceof StatementNotFound)
    return new NotFoundException(error.message);
  if (error instanceof StatementAlreadyIssued)
    return new ConflictException({ code: 'already_issued', message: error.message });
  if (error instanceof WorkflowRuleViolation) {
    if (error.code === 'same_user' || error.code === 'not_your_statement')
      return new ForbiddenException({ code: error.code, message: error.message });
    if (error.code === 'not_found') return new NotFoundException(error.message);
    if (error.code === 'already_approved' || error.code === 'not_open')
      return new ConflictException({ code: error.code, message: error.message });
    return new UnprocessableEntityException({ code: error.code, message: error.message });
  }
  if (error instanceof ContractRuleViolation)
    return new UnprocessableEntityException({ code: error.code, message: error.message, errors: error.errors });
  if (error instanceof StatementRuleViolation) {
    if (error.code === 'already_issued') return new ConflictException({ code: error.code, message: error.message });
    return new UnprocessableEntityException({ code: error.code, message: error.message });
  }
  return error;
};

/** Runs a handler call and maps its errors. */
export const http = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw toHttpError(error);
  }
};

export const checkRateCard = (card: unknown): RateCard => {
  const shape = rateCardShapeErrors(card);
  if (shape.length)
    throw new UnprocessableEntityException({
      code: 'invalid_rate_card',
      message: 'the rate card has the wrong shape',
      errors: shape,
    });
  const rules = rateCardErrors(card as RateCard);
  if (rules.length)
    throw new UnprocessableEntityException({
      code: 'invalid_rate_card',
      message: 'the rate card breaks its rules',
      errors: rules,
    });
  return card as RateCard;
};

const STAFF = ['finance', 'district_admin'];

/** The district comes from the verified token; a caller with only the vendor role is scoped to its vendor. */
export const actorOf = (p: Principal): Actor => {
  const staff = p.roles.some((r) => STAFF.includes(r));
  if (staff) return { districtId: p.districtId, sub: p.sub, vendorScope: null, roles: p.roles };
  if (!p.vendorId) throw new ForbiddenException('a vendor token must carry the vendor id');
  return { districtId: p.districtId, sub: p.sub, vendorScope: p.vendorId, roles: p.roles };
};
