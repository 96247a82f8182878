import { createHash } from 'node:crypto';

/** A UUID (version 8, RFC 9562) from the sha-256 of `key`: the same key always gives the same event id. */
export const deterministicUuid = (key: string): string => {
  const b = createHash('sha256').update(key).digest().subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
