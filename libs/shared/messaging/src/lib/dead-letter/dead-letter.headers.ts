import type { FieldError } from '../cloud-event/cloud-event.types';
import type { DeadLetterReason, IncomingMessage, RawKafkaMessage } from '../ports/messaging.ports';

export const MAX_REASON_BYTES = 8 * 1024;
/**
 * The broker refuses records above message.max.bytes (1 MiB by default, headers included). A value above this
 * limit is dropped from the dead letter and replaced by `dlq_value_omitted` + its size: the original is still
 * in the source topic at dlq_source_offset for as long as retention keeps it.
 */
export const MAX_DEAD_LETTER_VALUE_BYTES = 1024 * 1024 - 64 * 1024;

export interface DeadLetterContext {
  consumerGroup: string;
  failedAt: Date;
}

/** Pure: the record written to the dead-letter topic for one failed message. */
export function buildDeadLetterMessage(
  original: IncomingMessage,
  reason: DeadLetterReason,
  ctx: DeadLetterContext,
): RawKafkaMessage {
  const valueBytes = original.value?.length ?? 0;
  const omit = valueBytes > MAX_DEAD_LETTER_VALUE_BYTES;
  const headers: Record<string, string> = {
    ...original.headers,
    dlq_source_topic: original.topic,
    dlq_source_partition: String(original.partition),
    dlq_source_offset: original.offset,
    dlq_stage: reason.stage,
    dlq_reason: encodeReason(reason.errors),
    dlq_consumer_group: ctx.consumerGroup,
    dlq_failed_at: ctx.failedAt.toISOString(),
  };
  if (omit) {
    headers['dlq_value_omitted'] = 'too_large';
    headers['dlq_value_bytes'] = String(valueBytes);
  }
  return { key: original.key, value: omit ? null : original.value, headers };
}

/** JSON array of errors, at most MAX_REASON_BYTES: errors that do not fit are dropped and counted. */
export function encodeReason(errors: FieldError[], maxBytes = MAX_REASON_BYTES): string {
  const kept: FieldError[] = [];
  const size = (list: unknown[]) => Buffer.byteLength(JSON.stringify(list), 'utf8');
  for (const [i, e] of errors.entries()) {
    const candidate = { path: clip(e.path, 200), code: clip(e.code, 100), message: clip(e.message, 1_000) };
    const dropped = errors.length - i - 1;
    const marker = dropped > 0 ? [{ path: '', code: 'truncated', message: `${dropped} more errors` }] : [];
    if (size([...kept, candidate, ...marker]) > maxBytes) {
      const rest = errors.length - i;
      return JSON.stringify([...kept, { path: '', code: 'truncated', message: `${rest} more errors` }]);
    }
    kept.push(candidate);
  }
  return JSON.stringify(kept);
}

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}…` : s);
