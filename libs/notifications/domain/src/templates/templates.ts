// Message templates, one per rule, in English and Spanish. Plain text (email, SMS, inbox, webhook summary).
import type { Language, RuleId } from '../settings/district-settings';
import type { NotificationPayload, PayloadByRule, ProgressNote } from '../rules/notification.types';

export interface RenderedMessage {
  subject: string;
  text: string;
}

type Renderer<R extends RuleId> = (p: PayloadByRule[R]) => RenderedMessage;
type Templates = { [R in RuleId]: Record<Language, Renderer<R>> };

/** Integer cents to "$1,234.56" without floating point. */
export const formatCents = (cents: number, currency: string): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  return `${sign}${symbol}${whole}.${String(abs % 100).padStart(2, '0')}`;
};

const PROGRESS_WORDS: Record<Language, Record<string, string>> = {
  en: { mastered: 'has mastered', progressing: 'is making progress on', not_yet: 'is still working on' },
  es: { mastered: 'domina', progressing: 'está avanzando en', not_yet: 'todavía está trabajando en' },
};

/** A tutor's note in plain words: "is making progress on 3.NF.A.1: “…”". */
export const plainNote = (note: ProgressNote, lang: Language): string => {
  const verb = PROGRESS_WORDS[lang][note.progress] ?? note.progress;
  const comment = note.comment.trim() ? ` — “${note.comment.trim()}”` : '';
  return `${verb} ${note.skill}${comment}`;
};

const bullets = (items: string[]): string => items.map((i) => `  • ${i}`).join('\n');

export const TEMPLATES: Templates = {
  dosage_below_target: {
    en: (p) => ({
      subject: `Student below target dose for ${p.consecutiveWeeks} weeks`,
      text: `Student ${p.studentId}${p.programName ? ` in ${p.programName}` : ''} has been below the target dose for ${p.consecutiveWeeks} consecutive instructional weeks (week ${p.isoWeek}: ${p.attendedMinutes} of ${p.targetMinutes} minutes).`,
    }),
    es: (p) => ({
      subject: `Estudiante por debajo de la dosis durante ${p.consecutiveWeeks} semanas`,
      text: `El estudiante ${p.studentId}${p.programName ? ` de ${p.programName}` : ''} lleva ${p.consecutiveWeeks} semanas lectivas seguidas por debajo de la dosis prevista (semana ${p.isoWeek}: ${p.attendedMinutes} de ${p.targetMinutes} minutos).`,
    }),
  },
  session_exceptions: {
    en: (p) => ({
      subject: `Session ${p.sessionId}: ${p.lines.length} line(s) need correcting`,
      text: `Session ${p.sessionId}${p.localDate ? ` of ${p.localDate}` : ''} was recorded with exceptions; these lines are not paid until corrected:\n${bullets(p.lines.map((l) => `student ${l.studentId}: ${l.codes.join(', ')}`))}`,
    }),
    es: (p) => ({
      subject: `Sesión ${p.sessionId}: ${p.lines.length} línea(s) por corregir`,
      text: `La sesión ${p.sessionId}${p.localDate ? ` del ${p.localDate}` : ''} se registró con excepciones; estas líneas no se pagan hasta corregirlas:\n${bullets(p.lines.map((l) => `estudiante ${l.studentId}: ${l.codes.join(', ')}`))}`,
    }),
  },
  missing_session_report: {
    en: (p) => ({
      subject: `No session reported for ${p.date}`,
      text: `The planned session ${p.occurrenceId} (group ${p.groupId}, ${p.startsAt} – ${p.endsAt}) has no session report yet. Please publish it, or tell the district it did not take place.`,
    }),
    es: (p) => ({
      subject: `Falta el reporte de la sesión del ${p.date}`,
      text: `La sesión planificada ${p.occurrenceId} (grupo ${p.groupId}, ${p.startsAt} – ${p.endsAt}) todavía no tiene reporte. Publíquelo, o informe al distrito de que no se realizó.`,
    }),
  },
  family_weekly_summary: {
    en: (p) => ({
      subject: `Tutoring this week (${p.isoWeek})`,
      text: [
        `This week your child attended ${p.sessionsAttended} tutoring session(s), ${p.minutesAttended} minutes in all${p.sessionsMissed ? `, and missed ${p.sessionsMissed}` : ''}.`,
        p.notes.length
          ? `What the tutor noted — your child:\n${bullets(p.notes.map((n) => plainNote(n, 'en')))}`
          : 'The tutor left no notes this week.',
      ].join('\n'),
    }),
    es: (p) => ({
      subject: `Tutoría de esta semana (${p.isoWeek})`,
      text: [
        `Esta semana su hijo o hija asistió a ${p.sessionsAttended} sesión(es) de tutoría, ${p.minutesAttended} minutos en total${p.sessionsMissed ? `, y faltó a ${p.sessionsMissed}` : ''}.`,
        p.notes.length
          ? `Lo que anotó el tutor — su hijo o hija:\n${bullets(p.notes.map((n) => plainNote(n, 'es')))}`
          : 'El tutor no dejó notas esta semana.',
      ].join('\n'),
    }),
  },
  teacher_digest: {
    en: (p) => ({
      subject: `Tutoring notes for your students (${p.isoWeek})`,
      text: p.students
        .map((s) => `Student ${s.studentId}:\n${bullets(s.notes.map((n) => plainNote(n, 'en')))}`)
        .join('\n'),
    }),
    es: (p) => ({
      subject: `Notas de tutoría de sus estudiantes (${p.isoWeek})`,
      text: p.students
        .map((s) => `Estudiante ${s.studentId}:\n${bullets(s.notes.map((n) => plainNote(n, 'es')))}`)
        .join('\n'),
    }),
  },
  payout_statement_issued: {
    en: (p) => ({
      subject: `Payout statement to approve: ${formatCents(p.totalCents, p.currency)}`,
      text: `Statement ${p.statementId} (${p.kind}) for vendor ${p.vendorId}, contract ${p.contractId}, ${p.periodStart} to ${p.periodEnd}: ${p.lineCount} line(s), total ${formatCents(p.totalCents, p.currency)}. It waits for your approval.`,
    }),
    es: (p) => ({
      subject: `Liquidación por aprobar: ${formatCents(p.totalCents, p.currency)}`,
      text: `Liquidación ${p.statementId} (${p.kind}) del proveedor ${p.vendorId}, contrato ${p.contractId}, del ${p.periodStart} al ${p.periodEnd}: ${p.lineCount} línea(s), total ${formatCents(p.totalCents, p.currency)}. Espera su aprobación.`,
    }),
  },
};

export function render(rule: RuleId, lang: Language, payload: NotificationPayload): RenderedMessage {
  const renderer = TEMPLATES[rule][lang] as (p: NotificationPayload) => RenderedMessage;
  return renderer(payload);
}

/** Several notifications to one recipient as one message (digests rather than floods). */
export function renderDigest(lang: Language, items: readonly RenderedMessage[]): RenderedMessage {
  if (items.length === 1 && items[0]) return items[0];
  const subject = lang === 'es' ? `${items.length} novedades de tutoría` : `${items.length} tutoring updates`;
  return { subject, text: items.map((i) => `${i.subject}\n${i.text}`).join('\n\n') };
}
