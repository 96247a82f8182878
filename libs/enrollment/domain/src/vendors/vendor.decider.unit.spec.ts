import { decide, evolve, initialVendorState, VendorEvent, VendorRuleViolation, VendorState } from './vendor.decider';

const now = new Date('2026-09-01T12:00:00Z');
const register = (name = 'Acme Tutoring') => ({
  type: 'RegisterVendor' as const,
  data: { vendorId: 'v-1', districtId: 'd-1', name, registeredBy: 'admin-1', now },
});
const given = (events: VendorEvent[]): VendorState => events.reduce(evolve, initialVendorState);

describe('vendor decider', () => {
  it('registers a new vendor with a normalised name and the command time', () => {
    expect(decide(register('  Acme   Tutoring '), given([]))).toEqual([
      {
        type: 'VendorRegistered',
        data: {
          vendorId: 'v-1',
          districtId: 'd-1',
          name: 'Acme Tutoring',
          registeredBy: 'admin-1',
          registeredAt: '2026-09-01T12:00:00.000Z',
        },
      },
    ]);
  });

  it('refuses to register the same vendor twice', () => {
    const history = decide(register(), given([]));
    expect(() => decide(register(), given(history))).toThrow(VendorRuleViolation);
  });

  it.each(['', ' a ', 'x'.repeat(201)])('refuses the name %j', (name) => {
    expect(() => decide(register(name), given([]))).toThrow(/name must be 2 to 200 characters/);
  });

  it('evolves to the registered state', () => {
    expect(given(decide(register(), given([])))).toEqual({
      status: 'registered',
      vendorId: 'v-1',
      districtId: 'd-1',
      name: 'Acme Tutoring',
    });
  });
});
