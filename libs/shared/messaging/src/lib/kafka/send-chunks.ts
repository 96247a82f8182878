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

/**
 * kafkajs groups a send's messages by partition copying the partition's list at every message, so its work grows
 * with the square of a topic's messages per send: 6 % of everything session-ledger allocated while ingesting, with
 * 2,000-entry batches of small messages. Sends are cut to at most this many messages of one topic as well.
 */
export const DEFAULT_MAX_SEND_TOPIC_MESSAGES = 256;

const size = (v: unknown): number =>
  v == null ? 0 : Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? Buffer.byteLength(v) : 0;

/** Bytes a message carries, approximately as the broker counts them (record framing excluded, a few bytes). */
export function messageBytes(message: Message): number {
  let n = size(message.key) + size(message.value);
  const headers = message.headers ?? {};
  // Keys, not entries: every produced message passes here, and a pair per header is garbage to collect.
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    n += Buffer.byteLength(name);
    if (Array.isArray(value)) for (const v of value) n += size(v);
    else n += size(value);
  }
  return n;
}

/**
 * Consecutive runs of `items` of at most `maxBytes` each and at most `maxTopicMessages` of any one topic, in order (a
 * message larger than the bound alone goes alone: the broker says whether it fits), each grouped by topic with the
 * order inside a topic kept.
 */
export function sendChunks(
  items: readonly TopicMessage[],
  maxBytes: number = DEFAULT_MAX_SEND_BYTES,
  maxTopicMessages: number = DEFAULT_MAX_SEND_TOPIC_MESSAGES,
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
    if ((bytes > 0 && bytes + n > maxBytes) || (byTopic.get(topic)?.length ?? 0) >= maxTopicMessages) close();
    const list = byTopic.get(topic);
    if (list) list.push(message);
    else byTopic.set(topic, [message]);
    bytes += n;
  }
  close();
  return chunks;
}
