import { createHash } from 'node:crypto';

/** SHA-256 → UUID layout (version nibble 8: custom, RFC 9562), so ids are deterministic and fit uuid columns. */
const hashUuid = (input: string): string => {
  const h = createHash('sha256').update(input).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The same rule, source and recipient (and channel) always give the same id: the unique key of "once". */
export const notificationId = (rule: string, sourceKey: string, recipientId: string, channel: string): string =>
  hashUuid(['notification', rule, sourceKey, recipientId, channel].join('\u001f'));

/** A delivery is the set of notifications it carries; a notification is in one delivery only. */
export const deliveryId = (notificationIds: readonly string[]): string =>
  hashUuid(['delivery', ...[...notificationIds].sort()].join('\u001f'));
