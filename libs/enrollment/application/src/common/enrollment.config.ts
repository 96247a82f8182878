import { parseMasterKey, StudentCrypto } from '@tutoring/enrollment/infrastructure';

/** Enrollment's own configuration, validated by main.ts before the service starts. */
export interface EnrollmentConfig {
  /** null when ENROLLMENT_MASTER_KEY is unset: routes that touch PII answer 503. */
  crypto: StudentCrypto | null;
}

export const ENROLLMENT_CONFIG = Symbol.for('tutoring.enrollment.Config');

/** ENROLLMENT_MASTER_KEY as a loadConfig spec: 32 bytes, base64 or hex; the value is never echoed. */
export const masterKeySpec = {
  secret: true,
  optional: true,
  parse: (raw: string) => {
    try {
      return { ok: true as const, value: parseMasterKey(raw) };
    } catch (e) {
      return { ok: false as const, reason: (e as Error).message.replace(/^ENROLLMENT_MASTER_KEY /, '') };
    }
  },
};

export const enrollmentConfigFrom = (masterKey: Buffer | undefined): EnrollmentConfig => ({
  crypto: masterKey ? StudentCrypto.fromMasterKey(masterKey) : null,
});
