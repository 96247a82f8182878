// Vendor Kafka credentials created at registration, crash-safely (ADR 0019). The registration transaction enqueues a
// grant for the vendor in `vendor_kafka_access_pending`; right after the commit the request applies it (SCRAM user +
// ACLs) and returns the password once. When the broker cannot be reached, or the process dies between the commit
// and the grant, the row stays and a retry loop applies the grant later; the password it generates is discarded (the
// district admin obtains one with the rotation call). The row is locked while a grant is applied, so a request, a
// retry and a rotation never race each other into overwriting a password someone was given.
//
// The table holds vendor ids only, no district_id and no tenant data, like the outbox: the retry loop must see every
// district's pending grants, and a Kafka user is named by its vendor id alone.
import type { DataSource, EntityManager } from 'typeorm';
import { assertSchemaName } from '../outbox/messaging-tables.sql';
import type { VendorAccessProvisioner, VendorKafkaCredentials } from './vendor-access';

export const VENDOR_ACCESS_PENDING_TABLE = 'vendor_kafka_access_pending';

/** DDL of the pending-grant table (run by the owning service's migration). */
export function vendorAccessPendingSql(schema: string): string[] {
  const s = assertSchemaName(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.${VENDOR_ACCESS_PENDING_TABLE} (
      vendor_id uuid PRIMARY KEY,
      requested_at timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text NULL
    )`,
    `CREATE INDEX IF NOT EXISTS ${VENDOR_ACCESS_PENDING_TABLE}_due ON ${s}.${VENDOR_ACCESS_PENDING_TABLE} (next_attempt_at)`,
  ];
}

export interface PendingVendorAccessOptions {
  /** A grant that takes longer is abandoned for this request (the retry loop applies it). Default 10 s. */
  grantTimeoutMs?: number;
  /** Error summaries only (no secrets are ever passed here). */
  onError?: (vendorId: string, error: unknown) => void;
}

export class PendingVendorAccess {
  private readonly s: string;
  private readonly grantTimeoutMs: number;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly provisioner: VendorAccessProvisioner,
    private readonly options: PendingVendorAccessOptions = {},
  ) {
    this.s = assertSchemaName(schema);
    this.grantTimeoutMs = options.grantTimeoutMs ?? 10_000;
  }

  /** In the registration transaction: the vendor's credentials are owed (idempotent). */
  static async enqueue(manager: EntityManager, schema: string, vendorId: string): Promise<void> {
    await manager.query(
      `INSERT INTO ${assertSchemaName(schema)}.${VENDOR_ACCESS_PENDING_TABLE} (vendor_id) VALUES ($1)
       ON CONFLICT (vendor_id) DO NOTHING`,
      [vendorId],
    );
  }

  /**
   * In a rotation or revocation transaction, before touching the broker: drops the vendor's pending grant, waiting
   * for a grant in progress to finish, so no retry can later overwrite the rotated password or undo a revocation.
   */
  static async settle(manager: EntityManager, schema: string, vendorId: string): Promise<void> {
    await manager.query(`DELETE FROM ${assertSchemaName(schema)}.${VENDOR_ACCESS_PENDING_TABLE} WHERE vendor_id = $1`, [
      vendorId,
    ]);
  }

  /**
   * Applies the vendor's pending grant now and returns the credentials (the only time the password exists outside
   * the broker's salted hash). Null when nothing is pending for it, another worker holds it, or the broker failed
   * (the grant stays pending and is retried).
   */
  async grantNow(vendorId: string): Promise<VendorKafkaCredentials | null> {
    const outcome = await this.apply(
      `SELECT vendor_id FROM ${this.s}.${VENDOR_ACCESS_PENDING_TABLE} WHERE vendor_id = $1`,
      [vendorId],
    );
    return outcome.credentials;
  }

  /** One pass of the retry loop: applies up to `max` due grants, one transaction each. Returns the vendors granted. */
  async retryDue(max = 20): Promise<string[]> {
    const granted: string[] = [];
    for (let i = 0; i < max; i++) {
      const outcome = await this.apply(
        `SELECT vendor_id FROM ${this.s}.${VENDOR_ACCESS_PENDING_TABLE} WHERE next_attempt_at <= now()
         ORDER BY next_attempt_at`,
        [],
      );
      if (!outcome.vendorId) break;
      // The password of a retried grant is discarded: nobody is waiting for it (the admin rotates to get one).
      if (outcome.credentials) granted.push(outcome.vendorId);
    }
    return granted;
  }

  /** Locks one pending row (skipping rows another worker holds), grants, deletes it, commits; records a failure. */
  private async apply(
    select: string,
    params: unknown[],
  ): Promise<{ vendorId: string | null; credentials: VendorKafkaCredentials | null }> {
    const picked: { vendorId: string | null } = { vendorId: null };
    try {
      const credentials = await this.dataSource.transaction(async (m) => {
        const rows = (await m.query(`${select} LIMIT 1 FOR UPDATE SKIP LOCKED`, params)) as { vendor_id: string }[];
        picked.vendorId = rows[0]?.vendor_id ?? null;
        if (!picked.vendorId) return null;
        const creds = await this.withTimeout(this.provisioner.grant(picked.vendorId));
        await m.query(`DELETE FROM ${this.s}.${VENDOR_ACCESS_PENDING_TABLE} WHERE vendor_id = $1`, [picked.vendorId]);
        return creds;
      });
      return { vendorId: picked.vendorId, credentials };
    } catch (error) {
      if (!picked.vendorId) throw error;
      this.options.onError?.(picked.vendorId, error);
      // next attempt after 5 s, 10 s, 20 s … at most 5 minutes
      await this.dataSource.query(
        `UPDATE ${this.s}.${VENDOR_ACCESS_PENDING_TABLE}
         SET attempts = attempts + 1, last_error = $2,
             next_attempt_at = now() + make_interval(secs => least(5 * power(2, attempts), 300))
         WHERE vendor_id = $1`,
        [picked.vendorId, errorSummary(error)],
      );
      return { vendorId: picked.vendorId, credentials: null };
    }
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Kafka grant timed out after ${this.grantTimeoutMs} ms`)),
        this.grantTimeoutMs,
      );
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

/** The error's class and message, cut short: never a secret (the provisioner's errors carry none). */
const errorSummary = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);
