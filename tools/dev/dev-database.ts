import { createHash } from 'node:crypto';

/**
 * LOCAL ONLY: the quick start's database, named after the enrollment master key its students are encrypted under
 * (a fingerprint of it, never the key). A second checkout, or a checkout whose `.cache` was wiped, has a new key and
 * so gets a database of its own, instead of one holding students it cannot decrypt; the same checkout finds its
 * database again on the next run.
 */
export const devDatabaseName = (masterKey: string): string =>
  `tutoring_${createHash('sha256').update(`tutoring dev database\n${masterKey}`).digest('hex').slice(0, 12)}`;
