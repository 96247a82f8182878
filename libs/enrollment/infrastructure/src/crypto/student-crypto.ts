// Per-student envelope encryption (AES-256-GCM) and keyed hashes. A student's PII is encrypted with their own data
// key; the data key is stored only wrapped by the KeyWrapper. Destroying the wrapped key erases the student
// (crypto-shredding): the ciphertext that remains, in the table or in backups, can no longer be read.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyWrapper } from './key-wrapper.port';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class MasterKeyError extends Error {}

/** Parses ENROLLMENT_MASTER_KEY: 32 bytes, base64 (44 chars) or hex (64 chars). */
export function parseMasterKey(value: string): Buffer {
  const text = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(text) && key.toString('base64') !== text)) {
    throw new MasterKeyError('ENROLLMENT_MASTER_KEY must be 32 random bytes, base64 (44 chars) or hex (64 chars)');
  }
  if (key.every((b) => b === key[0]))
    throw new MasterKeyError('ENROLLMENT_MASTER_KEY must be random, not a repeated byte');
  return key;
}

export function sealAesGcm(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openAesGcm(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** The local adapter: AES-256-GCM under a master key from configuration. */
export class LocalMasterKeyWrapper implements KeyWrapper {
  readonly keyId: string;
  private readonly wrappingKey: Buffer;

  constructor(masterKey: Buffer) {
    this.wrappingKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'tutoring/enrollment/key-wrap', 32));
    this.keyId = `local:${createHash('sha256').update(this.wrappingKey).digest('hex').slice(0, 16)}`;
  }

  async wrap(dataKey: Buffer): Promise<Buffer> {
    return sealAesGcm(this.wrappingKey, dataKey, Buffer.from(this.keyId));
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    return openAesGcm(this.wrappingKey, wrapped, Buffer.from(this.keyId));
  }
}

export class StudentCrypto {
  private readonly indexKey: Buffer;

  constructor(
    readonly wrapper: KeyWrapper,
    masterKey: Buffer,
  ) {
    this.indexKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'tutoring/enrollment/blind-index', 32));
  }

  static fromMasterKey(masterKey: Buffer): StudentCrypto {
    return new StudentCrypto(new LocalMasterKeyWrapper(masterKey), masterKey);
  }

  newDataKey(): Buffer {
    return randomBytes(32);
  }

  /** The student id is authenticated with the ciphertext, so a blob cannot be moved to another student. */
  seal(dataKey: Buffer, studentId: string, value: unknown): Buffer {
    return sealAesGcm(dataKey, Buffer.from(JSON.stringify(value)), Buffer.from(studentId));
  }

  open<T>(dataKey: Buffer, studentId: string, sealed: Buffer): T {
    return JSON.parse(openAesGcm(dataKey, sealed, Buffer.from(studentId)).toString('utf8')) as T;
  }

  /** Keyed hash for lookups and change detection: equal inputs match, and no one without the key can guess. */
  blindIndex(purpose: string, value: string): string {
    return createHmac('sha256', this.indexKey).update(purpose).update('\u0000').update(value).digest('base64url');
  }
}
