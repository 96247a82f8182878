import { randomUUID } from 'node:crypto';
import { decide, RegisterVendor, VendorEvent } from '@tutoring/enrollment/domain';
import { PostgresVendorRepository } from '@tutoring/enrollment/infrastructure';
import { ENROLLMENT_VENDORS_TOPIC, VENDOR_REGISTERED_V1, VendorRegisteredV1 } from '@tutoring/shared/contracts';
import type { CloudEvent } from '@tutoring/shared/messaging';
import type { EntityManager } from 'typeorm';

const SOURCE = 'urn:tutoring:service:enrollment';

/** Maps the domain event to its public contract (pseudonymous ids and the vendor's name only). */
export function toVendorRegisteredCloudEvent(event: VendorEvent, eventId: string): CloudEvent<VendorRegisteredV1> {
  const d = event.data;
  return {
    specversion: '1.0',
    id: eventId,
    source: SOURCE,
    type: VENDOR_REGISTERED_V1,
    time: d.registeredAt,
    subject: d.vendorId,
    datacontenttype: 'application/json',
    districtid: d.districtId,
    data: { vendorId: d.vendorId, districtId: d.districtId, name: d.name, registeredAt: d.registeredAt },
  };
}

export class RegisterVendorHandler {
  constructor(
    private readonly vendors: PostgresVendorRepository,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {}

  async handle(
    input: {
      districtId: string;
      name: string;
      registeredBy: string;
    },
    alsoInTransaction?: (manager: EntityManager, vendorId: string) => Promise<void>,
  ): Promise<{ vendorId: string; name: string; registeredAt: string }> {
    const vendorId = this.newId();
    const command: RegisterVendor = { type: 'RegisterVendor', data: { ...input, vendorId, now: this.clock() } };
    const events = decide(command, await this.vendors.load(input.districtId, vendorId));
    await this.vendors.save(
      events,
      events.map((e) => ({
        topic: ENROLLMENT_VENDORS_TOPIC,
        key: vendorId,
        event: toVendorRegisteredCloudEvent(e, this.newId()),
      })),
      alsoInTransaction ? (m) => alsoInTransaction(m, vendorId) : undefined,
    );
    const registered = events[0];
    if (!registered) throw new Error('RegisterVendor produced no event');
    return { vendorId, name: registered.data.name, registeredAt: registered.data.registeredAt };
  }
}
