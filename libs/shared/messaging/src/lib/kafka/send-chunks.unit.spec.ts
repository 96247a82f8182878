import type { Message } from 'kafkajs';
import { messageBytes, sendChunks } from './send-chunks';

const msg = (value: string, key: string | null = null, headers: Message['headers'] = {}): Message => ({
  key,
  value,
  headers,
});

describe('sendChunks', () => {
  it('counts key, value and headers in bytes', () => {
    expect(messageBytes(msg('é', 'k', { 'ce-id': Buffer.from('abc'), many: ['x', 'yz'] }))).toBe(2 + 1 + 5 + 3 + 4 + 3);
  });

  it('keeps one send when everything fits, grouped by topic in order', () => {
    const chunks = sendChunks(
      [
        { topic: 'a', message: msg('1') },
        { topic: 'b', message: msg('2') },
        { topic: 'a', message: msg('3') },
      ],
      10,
    );
    expect(chunks.map((c) => c.map((t) => [t.topic, t.messages.map((m) => m.value)]))).toEqual([
      [
        ['a', ['1', '3']],
        ['b', ['2']],
      ],
    ]);
  });

  it('cuts before the message that would pass the bound, never reordering', () => {
    const items = ['aaaa', 'bbbb', 'cccc', 'dd', 'eeeeeeeeeeee', 'f'].map((v) => ({ topic: 't', message: msg(v) }));
    const chunks = sendChunks(items, 8);
    expect(chunks.map((c) => c.flatMap((t) => t.messages.map((m) => m.value)))).toEqual([
      ['aaaa', 'bbbb'],
      ['cccc', 'dd'],
      ['eeeeeeeeeeee'],
      ['f'],
    ]);
  });

  it('cuts when one topic reaches its message bound, whatever the bytes', () => {
    const items = ['1', '2', '3', '4', '5'].map((v, i) => ({ topic: i === 1 ? 'other' : 't', message: msg(v) }));
    const chunks = sendChunks(items, 1000, 2);
    expect(chunks.map((c) => c.map((t) => [t.topic, t.messages.map((m) => m.value)]))).toEqual([
      [
        ['t', ['1', '3']],
        ['other', ['2']],
      ],
      [['t', ['4', '5']]],
    ]);
  });

  it('sends nothing for nothing', () => {
    expect(sendChunks([], 8)).toEqual([]);
  });
});
