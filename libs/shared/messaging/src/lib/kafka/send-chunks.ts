import type { Message } from 'kafkajs';

export interface TopicMessage {
  topic: string;
  message: Message;
}

/**
 * The broker refuses a partition's record batch above its `message.max.bytes` (1 MiB by default), and one send puts
 * every message of a partition in one batch. Sends are cut to at most this many bytes (key, value and headers, in
 * order); a caller's large batch then goes as several requests instead of never.
 */
export const DEFAULT_MAX_SEND_BYTES = 768 * 1024;

const size = (v: unknown): number =>
  v == null ? 0 : Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? Buffer.byteLength(v) : 0;

/** Bytes a message carries, approximately as the broker counts them (record framing excluded, a few bytes). */
export function messageBytes(message: Message): number {
  let n = size(message.key) + size(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {}))
    n +=
      Buffer.byteLength(name) + (Array.isArray(value) ? value.reduce((s: number, v) => s + size(v), 0) : size(value));
  return n;
}

/**
 * Consecutive runs of `items` of at most `maxBytes` each, in order (a message larger than the bound alone goes
 * alone: the broker says whether it fits), each grouped by topic with the order inside a topic kept.
 */
export function sendChunks(
  items: readonly TopicMessage[],
  maxBytes: number = DEFAULT_MAX_SEND_BYTES,
): { topic: string; messages: Message[] }[][] {
  const chunks: { topic: string; messages: Message[] }[][] = [];
  let byTopic = new Map<string, Message[]>();
  let bytes = 0;
  const close = () => {
    if (byTopic.size) chunks.push([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    byTopic = new Map();
    bytes = 0;
  };
  for (const { topic, message } of items) {
    const n = messageBytes(message);
    if (bytes > 0 && bytes + n > maxBytes) close();
    const list = byTopic.get(topic);
    if (list) list.push(message);
    else byTopic.set(topic, [message]);
    bytes += n;
  }
  close();
  return chunks;
}
