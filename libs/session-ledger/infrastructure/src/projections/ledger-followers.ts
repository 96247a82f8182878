import type { EntityManager } from 'typeorm';
import { LedgerReader } from '../reader/ledger.reader';
import { LEDGER_EVENTS_FOLLOWER, SESSIONS_PROJECTION, SessionProjectionStore } from './session-projection.store';

/** How far one follower of a district's ledger has come. */
export interface FollowerStatus {
  /** `read-models`: dosage, payment and exceptions; `ledger-events`: the vendor's `accepted` feedback and the ledger events. */
  follower: 'read-models' | 'ledger-events';
  /** Last ledger position consumed (0 before the first). */
  position: number;
  /** Committed entries not consumed yet: 0 when caught up. */
  behind: number;
  /** When the follower last moved its checkpoint (RFC 3339), null if it never has. */
  checkpointAt: string | null;
}

/**
 * The followers of a district's ledger and how far behind each is: what district IT watches to know whether the read
 * models and the vendors' feedback keep up with ingest. Must run in the district's tenant transaction.
 */
export class LedgerFollowers {
  private readonly reader: LedgerReader;
  private readonly store: SessionProjectionStore;

  constructor(private readonly schema: string) {
    this.reader = new LedgerReader(schema);
    this.store = new SessionProjectionStore(schema);
  }

  async status(m: EntityManager, districtId: string): Promise<FollowerStatus[]> {
    const serving = await this.store.activeSlot(m);
    const followers = [
      { follower: 'read-models', projection: SESSIONS_PROJECTION, slot: serving },
      { follower: 'ledger-events', projection: LEDGER_EVENTS_FOLLOWER, slot: 'a' },
    ] as const;
    const out: FollowerStatus[] = [];
    for (const f of followers) {
      const cp = await this.store.checkpoint(m, districtId, f.slot, f.projection);
      const [row] = (await m.query(
        `SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
           FROM ${this.schema}.proj_checkpoints WHERE district_id = $1 AND projection = $2 AND slot = $3`,
        [districtId, f.projection, f.slot],
      )) as { at: string }[];
      out.push({
        follower: f.follower,
        position: cp.position,
        behind: await this.reader.lag(m, districtId, cp),
        checkpointAt: row?.at ?? null,
      });
    }
    return out;
  }
}
