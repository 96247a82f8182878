import fc from 'fast-check';
import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { keyPartitioner, murmur2 } from './key-partitioner';

const partitions = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));

const args = (message: PartitionerArgs['message'], n: number, leaderless: number[] = []): PartitionerArgs => ({
  topic: 't',
  partitionMetadata: partitions(n, leaderless),
  message,
});

describe('murmur2', () => {
  it("gives the Java client's values (Kafka's own test vectors)", () => {
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
    expect(murmur2(Buffer.from('abc'))).toBe(479470107);
  });

  it('hashes a string as its UTF-8 bytes, whatever its length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (key) => {
        expect(murmur2(key)).toBe(murmur2(Buffer.from(key)));
      }),
    );
  });
});

describe('keyPartitioner', () => {
  it("puts every keyed message on the partition kafkajs's default partitioner chooses", () => {
    const ours = keyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(
        fc.oneof(fc.uuid(), fc.string({ unit: 'binary', maxLength: 80 })),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        (key, n, asBuffer) => {
          const message = { key: asBuffer ? Buffer.from(key) : key, value: 'v' };
          expect(ours(args(message, n))).toBe(theirs(args(message, n)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps a message's own partition", () => {
    expect(keyPartitioner()(args({ key: 'k', value: 'v', partition: 5 }, 8))).toBe(5);
  });

  it('spreads messages without a key round robin over the partitions that have a leader', () => {
    const partition = keyPartitioner();
    const chosen = Array.from({ length: 9 }, () => partition(args({ value: 'v' }, 4, [1])));
    expect(new Set(chosen)).toEqual(new Set([0, 2, 3]));
    for (let i = 3; i < chosen.length; i++) expect(chosen[i]).toBe(chosen[i - 3]);
  });

  it('falls back to any partition when none has a leader', () => {
    const partition = keyPartitioner();
    const chosen = Array.from({ length: 6 }, () => partition(args({ value: 'v' }, 3, [0, 1, 2])));
    expect(new Set(chosen)).toEqual(new Set([0, 1, 2]));
  });
});
