import { randomBytes } from 'node:crypto';
import { parseMasterKey, StudentCrypto } from './student-crypto';

describe('student crypto', () => {
  const key = randomBytes(32);

  it('accepts 32 random bytes as base64 or hex, refuses anything else', () => {
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('hex')).equals(key)).toBe(true);
    for (const bad of [
      'short',
      randomBytes(16).toString('base64'),
      Buffer.alloc(32, 7).toString('base64'),
      `${key.toString('base64')}x`,
    ]) {
      expect(() => parseMasterKey(bad)).toThrow(/ENROLLMENT_MASTER_KEY/);
    }
  });

  it('seals per student: round trip, bound to the student id, tamper-evident, unreadable once the key is gone', async () => {
    const crypto = StudentCrypto.fromMasterKey(key);
    const dataKey = crypto.newDataKey();
    const wrapped = await crypto.wrapper.wrap(dataKey);
    const sealed = crypto.seal(dataKey, 'student-1', { givenName: 'Ada' });
    expect(sealed.toString('latin1')).not.toContain('Ada');
    expect(crypto.open(await crypto.wrapper.unwrap(wrapped), 'student-1', sealed)).toEqual({ givenName: 'Ada' });
    expect(() => crypto.open(dataKey, 'student-2', sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => crypto.open(dataKey, 'student-1', tampered)).toThrow();
    expect(() => crypto.open(crypto.newDataKey(), 'student-1', sealed)).toThrow();
    await expect(StudentCrypto.fromMasterKey(randomBytes(32)).wrapper.unwrap(wrapped)).rejects.toThrow();
  });

  it('keyed hashes are stable per key and purpose, and differ across keys', () => {
    const a = StudentCrypto.fromMasterKey(key);
    expect(a.blindIndex('local-number', 'S0000001')).toBe(
      StudentCrypto.fromMasterKey(key).blindIndex('local-number', 'S0000001'),
    );
    expect(a.blindIndex('local-number', 'S0000001')).not.toBe(a.blindIndex('other', 'S0000001'));
    expect(a.blindIndex('local-number', 'S0000001')).not.toBe(
      StudentCrypto.fromMasterKey(randomBytes(32)).blindIndex('local-number', 'S0000001'),
    );
  });
});
