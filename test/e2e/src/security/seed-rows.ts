// Seeds one row per district into any tenant table, knowing nothing about the table but the catalogue: every NOT NULL
// column without a default gets a plausible value of its type (first literal of an `IN (...)` check, first enum
// label, a random UUID, 1, 'x…', now(), '{}'). Runs as the superuser with session_replication_role = replica, so
// foreign keys and append-only triggers do not get in the way of planting the row; CHECK constraints still apply,
// and a table whose checks the generic values cannot satisfy is reported as not seeded (never silently passed).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from 'pg';

interface ColumnInfo {
  name: string;
  type: string;
  udt: string;
  notNull: boolean;
  hasDefault: boolean;
  enumLabels: string[] | null;
  inList: string | null;
}

async function columns(client: Client, schema: string, table: string): Promise<ColumnInfo[]> {
  const { rows } = await client.query<{
    name: string;
    type: string;
    udt: string;
    not_null: boolean;
    has_default: boolean;
    identity: string;
    generated: string;
    enum_labels: string[] | null;
  }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname AS udt,
            a.attnotnull AS not_null, a.atthasdef AS has_default, a.attidentity AS identity, a.attgenerated AS generated,
            (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = a.atttypid) AS enum_labels
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = format('%I.%I', $1::text, $2::text)::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [schema, table],
  );
  const { rows: checks } = await client.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = format('%I.%I', $1::text, $2::text)::regclass AND contype = 'c'`,
    [schema, table],
  );
  return rows
    .filter((r) => r.generated === '')
    .map((r) => {
      // e.g. CHECK ((action = ANY (ARRAY['read'::text, 'create'::text]))) or CHECK ((status = 'x'::text))
      const check = checks.find((c) => new RegExp(`\\(${r.name} = (ANY \\(ARRAY\\[)?'`).test(c.def));
      const literal = check ? (/'((?:[^']|'')*)'/.exec(check.def.split(`${r.name} =`)[1] ?? '')?.[1] ?? null) : null;
      return {
        name: r.name,
        type: r.type,
        udt: r.udt,
        notNull: r.not_null,
        hasDefault: r.has_default || r.identity !== '',
        enumLabels: r.enum_labels,
        inList: literal,
      };
    });
}

const scalarValue = (c: ColumnInfo): unknown => {
  if (c.inList !== null) return c.inList;
  if (c.enumLabels?.length) return c.enumLabels[0];
  const base = c.udt.replace(/^_/, '');
  if (c.udt.startsWith('_')) return '{}';
  switch (base) {
    case 'uuid':
      return randomUUID();
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
    case 'float4':
    case 'float8':
      return 1;
    case 'bool':
      return false;
    case 'timestamptz':
    case 'timestamp':
      return new Date().toISOString();
    case 'date':
      return '2026-09-01';
    case 'time':
    case 'timetz':
      return '09:00';
    case 'interval':
      return '30 minutes';
    case 'json':
    case 'jsonb':
      return '{}';
    case 'tstzrange':
    case 'tsrange':
      return '[2026-09-01 09:00,2026-09-01 10:00)';
    case 'daterange':
      return '[2026-09-01,2026-09-02)';
    case 'bytea':
      return Buffer.from('x');
    default:
      return `x${randomBytes(4).toString('hex')}`;
  }
};

export type SeedResult = { seeded: true } | { seeded: false; reason: string };

/** Plants one row of `districtId` into `schema.table` as the superuser. */
export async function seedRow(admin: Client, schema: string, table: string, districtId: string): Promise<SeedResult> {
  const cols = (await columns(admin, schema, table)).filter(
    (c) => c.name === 'district_id' || (c.notNull && !c.hasDefault),
  );
  const values = cols.map((c) => (c.name === 'district_id' ? districtId : scalarValue(c)));
  const sql = `INSERT INTO "${schema}"."${table}" (${cols.map((c) => `"${c.name}"`).join(', ')})
               VALUES (${cols.map((c, i) => `$${i + 1}::${c.type}`).join(', ')})`;
  await admin.query('BEGIN');
  try {
    await admin.query('SET LOCAL session_replication_role = replica');
    await admin.query(sql, values);
    await admin.query('COMMIT');
    return { seeded: true };
  } catch (error) {
    await admin.query('ROLLBACK');
    return { seeded: false, reason: (error as Error).message };
  }
}
