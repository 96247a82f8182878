/**
 * `npm run bench:ingest -- --only=rebuild`: the projection side alone, without Kafka or the service. The ledger is
 * filled straight in (COPY as the database owner, 1,000 entries per transaction as batched ingest commits them,
 * the same generated sessions and verdicts as the full benchmark), then measured in this one run:
 *
 *  - live catch-up — the live projector (service batch size) projecting that backlog into the active slot;
 *  - rebuild       — blue/green rebuild from position 0 into the other slot, then the flip (the figure the full
 *                    benchmark reports), beside its fixed target of 20,000 entries/s;
 *  - CPU per entry of this process (the projector) and of the PostgreSQL backends, which a loaded machine does not
 *    change much, and the load average during the run;
 *  - poll behind an open transaction — the projector's poll, caught up, while a transaction opened before another
 *    50,000 entries stays open, beside the same poll once it has ended (ADR 0026).
 */
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDatabase, dropDatabase, resolvePostgres } from '@tutoring/shared/local-infra';
import { applyMigrations, createServiceDataSource, provisionServiceDatabase } from '@tutoring/shared/persistence';
import { LedgerProjector, SESSION_LEDGER_MIGRATIONS } from '@tutoring/session-ledger/infrastructure';
import { sessionWorkload } from '@tutoring/shared/testing';
import { benchDistrictPlan } from './bench-plan';

const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);

const cpuOf = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
};

async function backendsCpu(db: Client, database: string): Promise<Map<number, number>> {
  const rows = (await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [database])).rows as {
    pid: number;
  }[];
  return new Map(rows.map((r) => [r.pid, cpuOf(r.pid)]));
}

interface Measured {
  entries: number;
  seconds: number;
  nodeUs: number;
  pgUs: number;
  load: number;
}

async function measure(admin: Client, database: string, run: () => Promise<number>): Promise<Measured> {
  const load0 = loadavg()[0] ?? 0;
  const node0 = process.cpuUsage();
  const pg0 = await backendsCpu(admin, database);
  const t0 = process.hrtime.bigint();
  const entries = await run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const node = process.cpuUsage(node0);
  let pg = 0;
  for (const [pid, cpu] of await backendsCpu(admin, database)) pg += cpu - (pg0.get(pid) ?? 0);
  return {
    entries,
    seconds,
    nodeUs: (node.user + node.system) / entries,
    pgUs: (pg / entries) * 1e6,
    load: ((loadavg()[0] ?? 0) + load0) / 2,
  };
}

export async function rebuildOnly(events: number): Promise<void> {
  const pg = await resolvePostgres({ log });
  const name = `bench_rebuild_${Date.now().toString(36)}`;
  const dbUrl = await createDatabase(pg.adminUrl, name);
  const admin = new Client({ connectionString: dbUrl });
  await admin.connect();
  const rows: string[][] = [];
  try {
    const urls = await provisionServiceDatabase(dbUrl, 'session_ledger');
    const config = { url: urls.runtimeUrl, migrationUrl: urls.migrationUrl, schema: 'session_ledger' };
    await applyMigrations({ ...config, applicationName: 'bench' }, SESSION_LEDGER_MIGRATIONS);
    const plan = benchDistrictPlan();
    await admin.query(`INSERT INTO session_ledger.ref_districts VALUES ($1, 'America/Chicago')`, [plan.districtId]);
    const { events: generated } = sessionWorkload(plan, events, false);
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
    /** Generated sessions [from, to) into the ledger, 1,000 per transaction; `tag` keeps event ids apart. */
    const fill = async (from: number, to: number, tag = ''): Promise<void> => {
      for (let i = from; i < to; i += 1_000) {
        const chunk = generated.slice(i, Math.min(i + 1_000, to));
        function* lines() {
          for (const [j, e] of chunk.entries()) {
            const attendance = e.data['attendance'] as { studentId: string }[];
            const verdicts = attendance.map((a) => ({ studentId: a.studentId, billable: true, exceptionCodes: [] }));
            const local = String(e.data['startedAt']).slice(0, 10);
            yield `${plan.vendorId}/${tag}${e.sessionId}\t1\t${tag}${e.eventId}\torg.tutoring.session.delivered.v1\t1\t${plan.districtId}\t${plan.vendorId}\t${esc(JSON.stringify(e.data))}\t${esc(JSON.stringify({ channel: 'kafka', ref: `t/0/${tag}${i + j}` }))}\t${esc(JSON.stringify(verdicts))}\t${local}\n`;
          }
        }
        await admin.query('BEGIN');
        await pipeline(
          Readable.from(lines()),
          admin.query(
            copyFrom(
              `COPY session_ledger.ledger_entries (stream_id, stream_version, event_id, event_type, schema_version, district_id, vendor_id, data, metadata, verdicts, local_date) FROM STDIN`,
            ),
          ),
        );
        await admin.query('COMMIT');
      }
    };
    const seeding = process.hrtime.bigint();
    await fill(0, generated.length);
    log(
      `ledger filled: ${generated.length} entries in ${(Number(process.hrtime.bigint() - seeding) / 1e9).toFixed(1)} s`,
    );

    const ds = createServiceDataSource({ ...config, applicationName: 'bench' });
    await ds.initialize();
    const liveBatch = Number(process.env['PROJECTION_BATCH_SIZE'] ?? 2000);
    // The projector's own log lines show the rebuild's two phases: the replay, then the aggregates derived (ADR 0023).
    const say = (fields: object, msg: string) => log(`${msg} ${JSON.stringify(fields)}`);
    const projector = new LedgerProjector(ds, 'session_ledger', {
      batchSize: liveBatch,
      logger: { info: say, warn: say },
    });
    const live = await measure(admin, name, () => projector.catchUp());
    log(`live catch-up: ${live.entries} entries in ${live.seconds.toFixed(1)} s`);
    const rebuild = await measure(admin, name, async () => (await projector.rebuild()).entries);
    log(`rebuild: ${rebuild.entries} entries in ${rebuild.seconds.toFixed(1)} s`);

    // A transaction left open elsewhere (an idle session, a long report) while entries keep coming: a follower's
    // read must not walk again over everything consumed since it began (ADR 0026). Measured as the projector's poll
    // once caught up, with the transaction still open, against the same poll after it ended.
    const held = Math.min(50_000, generated.length);
    const holder = new Client({ connectionString: dbUrl });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_current_xact_id()');
    await fill(0, held, 'held-');
    await projector.catchUp();
    const poll = async (): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t0 = process.hrtime.bigint();
        await projector.projectDistrict(plan.districtId);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return times.sort((a, b) => a - b)[3] ?? 0;
    };
    const pollOpen = await poll();
    await holder.query('ROLLBACK');
    await holder.end();
    await projector.projectDistrict(plan.districtId); // the first read after it ended moves the horizon past it
    const pollClosed = await poll();
    log(`poll behind an open transaction: ${pollOpen.toFixed(1)} ms; after it ended: ${pollClosed.toFixed(1)} ms`);
    await ds.destroy();

    const rate = (m: Measured) => m.entries / m.seconds;
    const cpu = (m: Measured) =>
      `CPU/entry: projector ${m.nodeUs.toFixed(0)} µs + PostgreSQL ${m.pgUs.toFixed(0)} µs; load avg ${m.load.toFixed(1)}`;
    rows.push(
      ['measure', 'value', 'baseline (same run)', 'ratio', 'target', 'cost'],
      [
        `projection rebuild (blue/green, from position 0, ${rebuild.entries} entries)`,
        `${rate(rebuild).toFixed(0)} entries/s`,
        'target 20000 entries/s',
        (rate(rebuild) / 20_000).toFixed(2),
        '≥ 1.00',
        cpu(rebuild),
      ],
      [
        `live projector catch-up (batches of ${liveBatch}, ${live.entries} entries)`,
        `${rate(live).toFixed(0)} entries/s`,
        'ingest target ≈ 17000 events/s',
        (rate(live) / 17_000).toFixed(2),
        '≥ 1.00',
        cpu(live),
      ],
      [
        `projector poll behind a transaction left open (${held} entries consumed since it began; median of 7)`,
        `${pollOpen.toFixed(1)} ms`,
        `same poll, transaction ended: ${pollClosed.toFixed(1)} ms`,
        (pollOpen / pollClosed).toFixed(2),
        '—',
        'before ADR 0026 each read walked every entry consumed since the transaction began',
      ],
    );
  } finally {
    await admin.end();
    // BENCH_KEEP_DB=1 keeps the filled database (its name is logged) for EXPLAIN ANALYZE of the rebuild's statements.
    if (process.env['BENCH_KEEP_DB']) log(`kept database ${name}`);
    else await dropDatabase(pg.adminUrl, name).catch(() => undefined);
    await pg.stop();
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const out = [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
  process.stdout.write(`${out.join('\n')}\n`);
}
