/**
 * A vendor is a tutoring provider a district contracts with. Registering one is what opens its Kafka topics
 * (session-ledger reacts to VendorRegistered). Pure: ids and time come in with the command.
 */
export interface RegisterVendor {
  type: 'RegisterVendor';
  data: { vendorId: string; districtId: string; name: string; registeredBy: string; now: Date };
}
export type VendorCommand = RegisterVendor;

export interface VendorRegistered {
  type: 'VendorRegistered';
  data: { vendorId: string; districtId: string; name: string; registeredBy: string; registeredAt: string };
}
export type VendorEvent = VendorRegistered;

export type VendorState =
  { status: 'unregistered' } | { status: 'registered'; vendorId: string; districtId: string; name: string };

export const initialVendorState: VendorState = { status: 'unregistered' };

export class VendorRuleViolation extends Error {
  constructor(
    readonly code: 'already_registered' | 'invalid_name',
    message: string,
  ) {
    super(message);
  }
}

export const VENDOR_NAME_MAX = 200;

export function normaliseVendorName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

export const decide = (command: VendorCommand, state: VendorState): VendorEvent[] => {
  switch (command.type) {
    case 'RegisterVendor': {
      if (state.status === 'registered') {
        throw new VendorRuleViolation('already_registered', `vendor ${state.vendorId} is already registered`);
      }
      const name = normaliseVendorName(command.data.name);
      if (name.length < 2 || name.length > VENDOR_NAME_MAX) {
        throw new VendorRuleViolation('invalid_name', `name must be 2 to ${VENDOR_NAME_MAX} characters`);
      }
      const { vendorId, districtId, registeredBy, now } = command.data;
      return [
        {
          type: 'VendorRegistered',
          data: { vendorId, districtId, name, registeredBy, registeredAt: now.toISOString() },
        },
      ];
    }
    default: {
      const _exhaustive: never = command.type;
      throw new Error(`unknown command ${String(_exhaustive)}`);
    }
  }
};

export const evolve = (state: VendorState, event: VendorEvent): VendorState => {
  switch (event.type) {
    case 'VendorRegistered':
      return {
        status: 'registered',
        vendorId: event.data.vendorId,
        districtId: event.data.districtId,
        name: event.data.name,
      };
    default: {
      const _exhaustive: never = event.type;
      return state;
    }
  }
};
