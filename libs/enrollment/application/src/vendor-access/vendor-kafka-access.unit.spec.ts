// What the registration answers about the vendor's Kafka credentials, for each outcome of the grant applied right
// after the registration commit (the grant itself runs against a real broker in vendor-access.int.spec.ts).
import type { PendingVendorAccess, VendorKafkaCredentials } from '@tutoring/shared/messaging';
import type { ServiceRuntime } from '@tutoring/shared/runtime';
import { VendorKafkaAccess } from './vendor-kafka-access';

const vendorId = '7d0c4c55-3b6f-4f8e-9d39-1a2b3c4d5e6f';
const creds: VendorKafkaCredentials = {
  vendorId,
  username: `vendor-${vendorId}`,
  password: 'p'.repeat(43),
  mechanism: 'SCRAM-SHA-512',
  topics: { sessions: 's', feedback: 'f', assignments: 'a' },
  consumerGroupPrefix: `tutoring.vendor.${vendorId}.`,
};
const access = (pending: Pick<PendingVendorAccess, 'grantNow'> | null) =>
  new VendorKafkaAccess(pending as PendingVendorAccess | null, ['broker:9093'], 'enrollment', {} as ServiceRuntime);

describe('VendorKafkaAccess: the registration answer', () => {
  it('issued: the credentials and the bootstrap servers, once', async () => {
    const answer = await access({ grantNow: async () => creds }).issueAfterRegistration(vendorId);
    expect(answer).toEqual({ status: 'issued', ...creds, bootstrapServers: ['broker:9093'] });
  });

  it('pending: no password, and where to get one', async () => {
    const answer = await access({ grantNow: async () => null }).issueAfterRegistration(vendorId);
    expect(answer).toMatchObject({ status: 'pending' });
    expect(JSON.stringify(answer)).toContain(`POST /v1/vendors/${vendorId}/kafka-credentials`);
    expect(answer).not.toHaveProperty('password');
  });

  it('unavailable without SASL: nothing owed, nothing issued', async () => {
    const answer = await access(null).issueAfterRegistration(vendorId);
    expect(answer).toMatchObject({ status: 'unavailable' });
    const manager = { query: jest.fn() };
    await access(null).owe(manager as never, vendorId, { sub: 'admin' } as never);
    expect(manager.query).not.toHaveBeenCalled();
  });
});
