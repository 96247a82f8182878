import { hasAnyRole, InvalidClaimsError, principalFromClaims } from './principal';

const DISTRICT = '0b6f1c2e-6a59-4c1f-9d55-3f0d7b1a2c01';
const VENDOR = '5d0c3b4a-1e2f-4a6b-8c7d-9e0f1a2b3c4d';
const SCHOOL = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const base = { sub: 'user-1', district_id: DISTRICT };
const reasonOf = (claims: Record<string, unknown>): string => {
  try {
    principalFromClaims(claims);
  } catch (error) {
    if (error instanceof InvalidClaimsError) return error.reason;
    throw error;
  }
  throw new Error('expected claims to be refused');
};

describe('principalFromClaims', () => {
  it('maps a district admin', () => {
    expect(principalFromClaims({ ...base, roles: ['district_admin'] })).toEqual({
      sub: 'user-1',
      roles: ['district_admin'],
      districtId: DISTRICT,
      schoolIds: [],
    });
  });

  it('drops unknown roles and duplicates instead of trusting them', () => {
    const principal = principalFromClaims({ ...base, roles: ['finance', 'superuser', 'finance', 42] });
    expect(principal.roles).toEqual(['finance']);
  });

  it('yields no roles when the claim is absent', () => {
    expect(principalFromClaims(base).roles).toEqual([]);
  });

  it('normalises ids to lower case', () => {
    const p = principalFromClaims({ ...base, district_id: DISTRICT.toUpperCase(), roles: ['vendor'], vendor_id: VENDOR.toUpperCase() });
    expect(p.districtId).toBe(DISTRICT);
    expect(p.vendorId).toBe(VENDOR);
  });

  it('carries vendor, school and teacher scopes', () => {
    const teacherId = 'c0ffee00-0000-4000-8000-000000000001';
    const p = principalFromClaims({
      ...base,
      roles: ['vendor', 'school_leader', 'teacher'],
      vendor_id: VENDOR,
      school_ids: [SCHOOL],
      teacher_id: teacherId,
    });
    expect(p).toMatchObject({ vendorId: VENDOR, schoolIds: [SCHOOL], teacherId });
  });

  it.each([
    [{ district_id: DISTRICT }, 'claim sub is required'],
    [{ sub: '', district_id: DISTRICT }, 'claim sub is required'],
    [{ sub: 'u' }, 'claim district_id is required'],
    [{ sub: 'u', district_id: 'district-7' }, 'claim district_id must be a UUID'],
    [{ ...base, roles: 'district_admin' }, 'claim roles must be an array'],
    [{ ...base, roles: ['vendor'] }, 'role vendor requires claim vendor_id'],
    [{ ...base, roles: ['vendor'], vendor_id: 'acme' }, 'claim vendor_id must be a UUID'],
    [{ ...base, roles: ['school_leader'] }, 'role school_leader requires claim school_ids'],
    [{ ...base, roles: ['school_leader'], school_ids: ['x'] }, 'claim school_ids must be an array of UUIDs'],
    [{ ...base, teacher_id: 7 }, 'claim teacher_id must be a UUID'],
  ])('refuses %j: %s', (claims, reason) => {
    expect(reasonOf(claims)).toBe(reason);
  });
});

describe('hasAnyRole', () => {
  const principal = principalFromClaims({ ...base, roles: ['teacher'] });
  it('passes when one required role is held', () => {
    expect(hasAnyRole(principal, ['district_admin', 'teacher'])).toBe(true);
  });
  it('fails when none is held', () => {
    expect(hasAnyRole(principal, ['district_admin'])).toBe(false);
  });
});
