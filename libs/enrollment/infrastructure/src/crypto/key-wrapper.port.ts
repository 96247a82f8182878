/**
 * Wraps and unwraps per-student data keys with a key that never enters the database. The local adapter uses a
 * master key from configuration; a KMS adapter (AWS KMS, Azure Key Vault, GCP KMS, Vault transit) implements the
 * same port.
 */
export interface KeyWrapper {
  /** Identifies the wrapping key, stored beside each wrapped key so keys can be rotated. */
  readonly keyId: string;
  wrap(dataKey: Buffer): Promise<Buffer>;
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

export const KEY_WRAPPER = Symbol.for('tutoring.enrollment.KeyWrapper');
export const STUDENT_CRYPTO = Symbol.for('tutoring.enrollment.StudentCrypto');
