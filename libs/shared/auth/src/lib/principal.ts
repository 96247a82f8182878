import { isRole, type Role } from './roles';

/** Who is calling, as asserted by a verified token. The tenant is `districtId`, from the token only. */
export interface Principal {
  readonly sub: string;
  readonly roles: readonly Role[];
  readonly districtId: string;
  readonly vendorId?: string;
  readonly schoolIds: readonly string[];
  readonly teacherId?: string;
}

/** Raised when a signature-valid token carries claims we cannot turn into a principal. */
export class InvalidClaimsError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidClaimsError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

const optionalUuid = (claims: Record<string, unknown>, name: string): string | undefined => {
  const value = claims[name];
  if (value === undefined || value === null) return undefined;
  if (!isUuid(value)) throw new InvalidClaimsError(`claim ${name} must be a UUID`);
  return value.toLowerCase();
};

const uuidList = (claims: Record<string, unknown>, name: string): string[] => {
  const value = claims[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isUuid)) {
    throw new InvalidClaimsError(`claim ${name} must be an array of UUIDs`);
  }
  return value.map((id) => id.toLowerCase());
};

const knownRoles = (value: unknown): Role[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidClaimsError('claim roles must be an array');
  return [...new Set(value.filter(isRole))];
};

/**
 * Maps verified JWT claims to a principal. Pure: signature, issuer, audience and expiry are
 * checked before this runs. Unknown roles are dropped; a role that needs a scope claim
 * (vendor → vendor_id, school_leader → school_ids) without it makes the token unusable.
 */
export const principalFromClaims = (claims: Record<string, unknown>): Principal => {
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub.length === 0) throw new InvalidClaimsError('claim sub is required');
  const districtId = claims['district_id'];
  if (districtId === undefined) throw new InvalidClaimsError('claim district_id is required');
  if (!isUuid(districtId)) throw new InvalidClaimsError('claim district_id must be a UUID');

  const roles = knownRoles(claims['roles']);
  const vendorId = optionalUuid(claims, 'vendor_id');
  const teacherId = optionalUuid(claims, 'teacher_id');
  const schoolIds = uuidList(claims, 'school_ids');

  if (roles.includes('vendor') && !vendorId) {
    throw new InvalidClaimsError('role vendor requires claim vendor_id');
  }
  if (roles.includes('school_leader') && schoolIds.length === 0) {
    throw new InvalidClaimsError('role school_leader requires claim school_ids');
  }
  return {
    sub,
    roles,
    districtId: districtId.toLowerCase(),
    schoolIds,
    ...(vendorId ? { vendorId } : {}),
    ...(teacherId ? { teacherId } : {}),
  };
};

export const hasAnyRole = (principal: Principal, required: readonly Role[]): boolean =>
  required.some((role) => principal.roles.includes(role));
