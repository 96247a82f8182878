import { devDatabaseName } from './dev-database';

describe("the quick start's database name", () => {
  const key = 'q2VvVhWmJ3n1y7m0b3Tqk8a2bq4n6x9ZcM1pD0fE5gI=';

  it('is the same for the same master key, and another for another key', () => {
    expect(devDatabaseName(key)).toBe(devDatabaseName(`${key}`));
    expect(devDatabaseName(key)).not.toBe(devDatabaseName('another key'));
  });

  it('is a plain PostgreSQL identifier that does not contain the key', () => {
    const name = devDatabaseName(key);
    expect(name).toMatch(/^tutoring_[0-9a-f]{12}$/);
    expect(name).not.toContain(key.slice(0, 8));
  });
});
