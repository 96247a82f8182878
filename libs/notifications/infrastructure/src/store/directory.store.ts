import type { EntityManager } from 'typeorm';
import {
  Channel,
  DistrictNotificationSettings,
  RecipientChannel,
  resolveSettings,
  SettingsPatch,
} from '@tutoring/notifications/domain';

/** Who holds which role for what: site lead per school, program manager per program, vendor contact per vendor,
 * finance approver (scope '*'), family per enrolment, teacher per student. */
export const RECIPIENT_ROLES = [
  'site_lead',
  'program_manager',
  'vendor_contact',
  'finance_approver',
  'family',
  'teacher',
] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

export interface RecipientEntry {
  recipientId: string;
  channel: Channel;
  address: string;
  language: string | null;
  timeZone: string | null;
  optedOutRules: string[];
}

interface RecipientRow {
  recipient_id: string;
  channel: Channel;
  address: string;
  language: string | null;
  time_zone: string | null;
  opted_out_rules: string[];
}

const toEntry = (r: RecipientRow): RecipientEntry => ({
  recipientId: r.recipient_id,
  channel: r.channel,
  address: r.address,
  language: r.language,
  timeZone: r.time_zone,
  optedOutRules: r.opted_out_rules,
});

export const toRecipientChannel = (e: RecipientEntry): RecipientChannel => ({
  recipientId: e.recipientId,
  channel: e.channel,
  language: e.language,
  timeZone: e.timeZone,
  optedOutRules: e.optedOutRules,
});

/** The recipient directory and district settings. Addresses (PII) are stored here and nowhere else. */
export class DirectoryStore {
  constructor(private readonly schema: string) {}

  async settings(m: EntityManager, districtId: string): Promise<DistrictNotificationSettings> {
    const rows = (await m.query(`SELECT settings FROM ${this.schema}.district_settings WHERE district_id = $1`, [
      districtId,
    ])) as { settings: SettingsPatch }[];
    return resolveSettings(rows[0]?.settings);
  }

  async storedSettings(m: EntityManager, districtId: string): Promise<SettingsPatch> {
    const rows = (await m.query(`SELECT settings FROM ${this.schema}.district_settings WHERE district_id = $1`, [
      districtId,
    ])) as { settings: SettingsPatch }[];
    return rows[0]?.settings ?? {};
  }

  async saveSettings(m: EntityManager, districtId: string, patch: SettingsPatch, by: string, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.district_settings (district_id, settings, updated_by, updated_at) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (district_id) DO UPDATE SET settings = EXCLUDED.settings, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [districtId, JSON.stringify(patch), by, at.toISOString()],
    );
  }

  async upsertRecipient(m: EntityManager, districtId: string, e: RecipientEntry, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.recipients (district_id, recipient_id, channel, address, language, time_zone, opted_out_rules, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (district_id, recipient_id, channel) DO UPDATE SET address = EXCLUDED.address, language = EXCLUDED.language,
         time_zone = EXCLUDED.time_zone, opted_out_rules = EXCLUDED.opted_out_rules, updated_at = EXCLUDED.updated_at`,
      [districtId, e.recipientId, e.channel, e.address, e.language, e.timeZone, e.optedOutRules, at.toISOString()],
    );
  }

  async recipient(m: EntityManager, recipientId: string): Promise<RecipientEntry[]> {
    const rows = (await m.query(`SELECT * FROM ${this.schema}.recipients WHERE recipient_id = $1 ORDER BY channel`, [
      recipientId,
    ])) as RecipientRow[];
    return rows.map(toEntry);
  }

  async setPreferences(
    m: EntityManager,
    recipientId: string,
    prefs: { optedOutRules?: string[]; language?: string | null },
    at: Date,
  ): Promise<number> {
    const rows: unknown[] = await m.query(
      `UPDATE ${this.schema}.recipients SET opted_out_rules = COALESCE($2, opted_out_rules),
         language = CASE WHEN $3::boolean THEN $4 ELSE language END, updated_at = $5
       WHERE recipient_id = $1 RETURNING 1`,
      [
        recipientId,
        prefs.optedOutRules ?? null,
        prefs.language !== undefined,
        prefs.language ?? null,
        at.toISOString(),
      ],
    );
    return (rows[0] as unknown[] | undefined)?.length ?? rows.length;
  }

  async assignRole(
    m: EntityManager,
    districtId: string,
    role: RecipientRole,
    scopeKey: string,
    recipientId: string,
  ): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.recipient_roles (district_id, role, scope_key, recipient_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [districtId, role, scopeKey, recipientId],
    );
  }

  async removeRole(m: EntityManager, role: RecipientRole, scopeKey: string, recipientId: string): Promise<void> {
    await m.query(
      `DELETE FROM ${this.schema}.recipient_roles WHERE role = $1 AND scope_key = $2 AND recipient_id = $3`,
      [role, scopeKey, recipientId],
    );
  }

  /** Every channel of every recipient holding `role` for one of `scopeKeys`. */
  async holders(
    m: EntityManager,
    role: RecipientRole,
    scopeKeys: readonly (string | null)[],
  ): Promise<RecipientEntry[]> {
    const keys = scopeKeys.filter((k): k is string => !!k);
    if (keys.length === 0) return [];
    const rows = (await m.query(
      `SELECT DISTINCT r.* FROM ${this.schema}.recipient_roles x JOIN ${this.schema}.recipients r ON r.recipient_id = x.recipient_id
        WHERE x.role = $1 AND x.scope_key = ANY($2::text[]) ORDER BY r.recipient_id, r.channel`,
      [role, keys],
    )) as RecipientRow[];
    return rows.map(toEntry);
  }

  /** Teachers with the students they hold (role teacher, scope = student id). */
  async teachersWithStudents(m: EntityManager): Promise<{ teacherId: string; studentIds: string[] }[]> {
    const rows = (await m.query(
      `SELECT recipient_id, array_agg(scope_key ORDER BY scope_key) AS students FROM ${this.schema}.recipient_roles
        WHERE role = 'teacher' GROUP BY recipient_id ORDER BY recipient_id`,
    )) as { recipient_id: string; students: string[] }[];
    return rows.map((r) => ({ teacherId: r.recipient_id, studentIds: r.students }));
  }

  async addressOf(m: EntityManager, recipientId: string, channel: Channel): Promise<RecipientEntry | null> {
    const rows = (await m.query(`SELECT * FROM ${this.schema}.recipients WHERE recipient_id = $1 AND channel = $2`, [
      recipientId,
      channel,
    ])) as RecipientRow[];
    return rows[0] ? toEntry(rows[0]) : null;
  }
}
