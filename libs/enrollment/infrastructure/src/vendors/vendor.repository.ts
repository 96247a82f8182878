import type { DataSource, EntityManager } from 'typeorm';
import { CloudEvent, enqueueOutbox } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { initialVendorState, VendorEvent, VendorState } from '@tutoring/enrollment/domain';

export interface VendorRow {
  vendorId: string;
  districtId: string;
  name: string;
  registeredAt: string;
}

export interface VendorPage {
  items: VendorRow[];
  nextCursor: string | null;
}

export class DuplicateVendorName extends Error {}

/** Postgres store of vendors. Writes the state change and its outgoing events in one transaction (outbox). */
export class PostgresVendorRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async load(districtId: string, vendorId: string): Promise<VendorState> {
    const rows = (await inTenantTransaction(this.dataSource, districtId, (m) =>
      m.query(
        `SELECT vendor_id, district_id, name FROM ${this.schema}.vendors WHERE district_id = $1 AND vendor_id = $2`,
        [districtId, vendorId],
      ),
    )) as { vendor_id: string; district_id: string; name: string }[];
    const row = rows[0];
    return row
      ? { status: 'registered', vendorId: row.vendor_id, districtId: row.district_id, name: row.name }
      : initialVendorState;
  }

  /** `alsoInTransaction`: further writes that must commit with the registration (e.g. the vendor's pending Kafka grant). */
  async save(
    events: VendorEvent[],
    outgoing: { topic: string; key: string; event: CloudEvent }[],
    alsoInTransaction?: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    try {
      const districtId = events[0]?.data.districtId;
      if (!districtId) return;
      await inTenantTransaction(this.dataSource, districtId, async (manager) => {
        for (const event of events) {
          const d = event.data;
          await manager.query(
            `INSERT INTO ${this.schema}.vendors (vendor_id, district_id, name, registered_by, registered_at) VALUES ($1, $2, $3, $4, $5)`,
            [d.vendorId, d.districtId, d.name, d.registeredBy, d.registeredAt],
          );
        }
        await enqueueOutbox(manager, this.schema, outgoing);
        await alsoInTransaction?.(manager);
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new DuplicateVendorName('a vendor with this name is already registered');
      throw error;
    }
  }

  /** Keyset pagination on (name, vendor_id): stable under concurrent inserts. */
  /** The district's vendor ids (to check a program's vendors). */
  async ids(districtId: string): Promise<Set<string>> {
    const rows = (await inTenantTransaction(this.dataSource, districtId, (m) =>
      m.query(`SELECT vendor_id FROM ${this.schema}.vendors`),
    )) as { vendor_id: string }[];
    return new Set(rows.map((r) => r.vendor_id));
  }

  async list(districtId: string, limit: number, cursor: string | null): Promise<VendorPage> {
    const after = cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]) : null;
    const rows = (await inTenantTransaction(this.dataSource, districtId, (m) =>
      m.query(
        `SELECT vendor_id, district_id, name, registered_at FROM ${this.schema}.vendors
        WHERE district_id = $1 AND ($2::text IS NULL OR (name, vendor_id) > ($2::text, $3::uuid))
        ORDER BY name, vendor_id LIMIT $4`,
        [districtId, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
      ),
    )) as { vendor_id: string; district_id: string; name: string; registered_at: Date }[];
    const items = rows.slice(0, limit).map((r) => ({
      vendorId: r.vendor_id,
      districtId: r.district_id,
      name: r.name,
      registeredAt: r.registered_at.toISOString(),
    }));
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > limit && last
        ? Buffer.from(JSON.stringify([last.name, last.vendorId])).toString('base64url')
        : null;
    return { items, nextCursor };
  }
}
