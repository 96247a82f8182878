/**
 * Vendor session events as a vendor publishes them (CloudEvents binary mode on its sessions topic), generated in
 * bulk for the ingest benchmark (`tools/bench`) and the ledger fault tests (`test/e2e/src/ledger-faults`): one
 * generator for both. Deterministic from a seed; student ids are synthetic UUIDs (no PII).
 */
import { createHash } from 'node:crypto';
import type { Message } from 'kafkajs';
import {
  SESSION_CORRECTED_V1,
  SESSION_DELIVERED_V1,
  SESSION_VOIDED_V1,
  vendorSource,
} from '@tutoring/shared/contracts';

export type Kind = 'delivered' | 'corrected' | 'voided';

export interface GeneratedEvent {
  eventId: string;
  kind: Kind;
  sessionId: string;
  data: Record<string, unknown>;
}

/** A UUID v4-shaped id derived from a label: the same label always gives the same id. */
export const idFor = (label: string): string => {
  const h = createHash('sha1').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export const studentIdOf = (n: number): string => idFor(`student-${n}`);

const TYPE: Record<Kind, string> = {
  delivered: SESSION_DELIVERED_V1,
  corrected: SESSION_CORRECTED_V1,
  voided: SESSION_VOIDED_V1,
};

export interface SessionPlan {
  vendorId: string;
  districtId: string;
  /** How many students the district has; each session takes 3 consecutive ones. */
  students: number;
  /** First school day (UTC date) and how many school weeks the sessions spread over. */
  termStart: string;
  weeks: number;
}

/**
 * The n-th session of a plan, in time order as a vendor reports them: 3 students, 30–45 minutes, a school-day
 * morning (UTC); each student has at most one session a day (3 a week), so a day holds students / 5 sessions.
 */
export const sessionData = (plan: SessionPlan, n: number, variant = 0): Record<string, unknown> => {
  const perDay = Math.max(1, Math.floor(plan.students / 5));
  const day = Math.floor(n / perDay) % (plan.weeks * 5);
  const start = new Date(`${plan.termStart}T14:00:00Z`);
  start.setUTCDate(start.getUTCDate() + Math.floor(day / 5) * 7 + (day % 5));
  start.setUTCMinutes((n % 6) * 60);
  const minutes = 30 + ((n + variant * 7) % 16);
  const end = new Date(start.getTime() + minutes * 60_000);
  const first = (n * 3) % plan.students;
  return {
    sessionId: `s-${n}`,
    vendorId: plan.vendorId,
    districtId: plan.districtId,
    tutorId: idFor(`tutor-${n % 97}`),
    groupId: null,
    scheduledSessionId: null,
    subject: 'math',
    modality: 'virtual',
    startedAt: start.toISOString(),
    endedAt: end.toISOString(),
    attendance: [0, 1, 2].map((i) => ({
      studentId: studentIdOf((first + i) % plan.students),
      status: (n + i + variant) % 11 === 0 ? 'absent_excused' : 'present',
      minutes: (n + i + variant) % 11 === 0 ? 0 : minutes - i,
    })),
  };
};

export const toKafkaMessage = (plan: SessionPlan, e: GeneratedEvent): Message => ({
  key: e.sessionId,
  value: JSON.stringify(e.data),
  headers: {
    ce_specversion: '1.0',
    ce_id: e.eventId,
    ce_source: vendorSource(plan.vendorId),
    ce_type: TYPE[e.kind],
    ce_time: new Date().toISOString(),
    ce_districtid: plan.districtId,
    'content-type': 'application/json',
  },
});

/**
 * `total` messages: mostly deliveries, every 10th session corrected and every 20th voided afterwards, plus verbatim
 * redeliveries (same ce_id, same data: a no-op for the ledger). Returns the messages in publish order and the
 * entries the ledger must end up holding exactly once.
 */
export const sessionWorkload = (plan: SessionPlan, total: number, withChanges = true) => {
  const events: GeneratedEvent[] = [];
  const unique: GeneratedEvent[] = [];
  let n = 0;
  while (events.length < total) {
    const data = sessionData(plan, n);
    const delivered: GeneratedEvent = {
      eventId: idFor(`${plan.vendorId}-ev-${n}-d`),
      kind: 'delivered',
      sessionId: `s-${n}`,
      data,
    };
    events.push(delivered);
    unique.push(delivered);
    if (withChanges && n % 10 === 5 && events.length < total) {
      const corrected: GeneratedEvent = {
        eventId: idFor(`${plan.vendorId}-ev-${n}-c`),
        kind: 'corrected',
        sessionId: `s-${n}`,
        data: { ...sessionData(plan, n, 1), reason: 'attendance fixed' },
      };
      events.push(corrected);
      unique.push(corrected);
    }
    if (withChanges && n % 20 === 7 && events.length < total) {
      const voided: GeneratedEvent = {
        eventId: idFor(`${plan.vendorId}-ev-${n}-v`),
        kind: 'voided',
        sessionId: `s-${n}`,
        data: { sessionId: `s-${n}`, vendorId: plan.vendorId, districtId: plan.districtId, reason: 'reported twice' },
      };
      events.push(voided);
      unique.push(voided);
    }
    if (withChanges && n % 25 === 3 && events.length < total) events.push(delivered); // redelivery
    n++;
  }
  return { events, unique, sessions: n };
};

/** Dosage minutes per student that the final (corrected, not voided) sessions give: the independent reference. */
export const expectedMinutesPerStudent = (unique: GeneratedEvent[]): Map<string, number> => {
  const last = new Map<string, GeneratedEvent>();
  for (const e of unique) last.set(e.sessionId, e);
  const out = new Map<string, number>();
  for (const e of last.values()) {
    if (e.kind === 'voided') continue;
    for (const a of e.data['attendance'] as { studentId: string; status: string; minutes: number }[]) {
      if (a.status === 'absent_excused' || a.minutes <= 0) continue;
      out.set(a.studentId, (out.get(a.studentId) ?? 0) + a.minutes);
    }
  }
  return out;
};
