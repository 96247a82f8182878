import { vendorAclBindings, vendorKafkaPrefix, vendorKafkaUser } from './vendor-access';

const V = '7d0f5a8e-1c2b-4e3f-9a4b-5c6d7e8f9a0b';

describe('vendor ACL bindings', () => {
  it('write only its sessions topic (literal), read only its feedback/assignments and its own consumer groups', () => {
    expect(vendorKafkaUser(V)).toBe(`vendor-${V}`);
    expect(vendorAclBindings(V)).toEqual([
      { resourceType: 'topic', pattern: 'literal', name: `tutoring.vendor.${V}.sessions.v1`, operation: 'write' },
      { resourceType: 'topic', pattern: 'prefixed', name: `tutoring.vendor.${V}.feedback.`, operation: 'read' },
      { resourceType: 'topic', pattern: 'prefixed', name: `tutoring.vendor.${V}.assignments.`, operation: 'read' },
      { resourceType: 'group', pattern: 'prefixed', name: `tutoring.vendor.${V}.`, operation: 'read' },
    ]);
  });

  it('every binding stays inside the vendor prefix, and nothing is writable but the sessions topic', () => {
    for (const b of vendorAclBindings(V)) expect(b.name.startsWith(vendorKafkaPrefix(V))).toBe(true);
    expect(
      vendorAclBindings(V)
        .filter((b) => b.operation === 'write')
        .map((b) => b.name),
    ).toEqual([`tutoring.vendor.${V}.sessions.v1`]);
  });
});
