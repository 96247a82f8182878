/** The only roles the platform knows. Anything else in a token is ignored, never trusted. */
export const ROLES = [
  'district_admin',
  'program_manager',
  'school_leader',
  'teacher',
  'vendor',
  'finance',
] as const;

export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);
