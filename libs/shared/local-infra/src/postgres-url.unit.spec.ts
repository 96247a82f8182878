import { assertDatabaseName, buildPostgresUrl, redactPassword, withDatabase } from './postgres-url';

describe('postgres URLs', () => {
  it('builds loopback URLs with defaults and encodes credentials', () => {
    expect(buildPostgresUrl({ user: 'postgres' })).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    expect(buildPostgresUrl({ user: 'a b', password: 'p@ss:word', port: 6543, database: 'x' })).toBe(
      'postgres://a%20b:p%40ss%3Aword@127.0.0.1:6543/x',
    );
  });

  it('switches database keeping credentials and query parameters', () => {
    expect(withDatabase('postgres://u:p@h:5/postgres?sslmode=disable', 'suite_1')).toBe('postgres://u:p@h:5/suite_1?sslmode=disable');
  });

  it('never shows a password', () => {
    expect(redactPassword('postgres://u:secret@h:5/db')).toBe('postgres://u:***@h:5/db');
    expect(redactPassword('postgres://u@h:5/db')).toBe('postgres://u@h:5/db');
    expect(redactPassword('not a url')).toBe('<unparseable database URL>');
  });

  it('accepts only plain identifiers as database names (they go into DDL)', () => {
    expect(() => assertDatabaseName('ledger_test_1')).not.toThrow();
    for (const bad of ['', 'Upper', '1abc', 'a-b', 'x"; DROP DATABASE y; --', 'a'.repeat(64)]) {
      expect(() => assertDatabaseName(bad)).toThrow(/Invalid database name/);
    }
  });
});
