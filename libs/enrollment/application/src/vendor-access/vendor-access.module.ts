import { Module } from '@nestjs/common';
import { PendingVendorAccess, VendorAccessProvisioner } from '@tutoring/shared/messaging';
import { SERVICE_RUNTIME, type ServiceRuntime } from '@tutoring/shared/runtime';
import { VendorAccessController } from './vendor-access.controller';
import {
  PENDING_VENDOR_ACCESS,
  VENDOR_ACCESS_BROKERS,
  VENDOR_ACCESS_PROVISIONER,
  VendorKafkaAccess,
} from './vendor-kafka-access';

/**
 * Per-vendor Kafka credentials, provisioned with the service's own Kafka identity (which needs the cluster's ALTER
 * permission, e.g. as a super user of the district's cluster). Created at registration (VendorKafkaAccess), rotated
 * and revoked by VendorAccessController. Without SASL there is nothing to provision.
 */
@Module({
  controllers: [VendorAccessController],
  providers: [
    {
      provide: VENDOR_ACCESS_PROVISIONER,
      inject: [SERVICE_RUNTIME],
      useFactory: (runtime: ServiceRuntime) => {
        const kafka = runtime.config.kafka;
        return kafka.sasl
          ? new VendorAccessProvisioner(runtime.kafka, {
              brokers: kafka.brokers,
              clientId: kafka.clientId,
              ssl: kafka.ssl,
              sasl: kafka.sasl,
            })
          : null;
      },
    },
    {
      provide: PENDING_VENDOR_ACCESS,
      inject: [SERVICE_RUNTIME, VENDOR_ACCESS_PROVISIONER],
      useFactory: (runtime: ServiceRuntime, provisioner: VendorAccessProvisioner | null) =>
        provisioner
          ? new PendingVendorAccess(runtime.dataSource, runtime.schema, provisioner, {
              onError: (vendorId, e) =>
                runtime.config.logger.warn(
                  { vendorId, err: e instanceof Error ? e.message : String(e) },
                  'vendor Kafka grant failed; retried later',
                ),
            })
          : null,
    },
    {
      provide: VENDOR_ACCESS_BROKERS,
      inject: [SERVICE_RUNTIME],
      useFactory: (runtime: ServiceRuntime) => runtime.config.kafka.brokers,
    },
    VendorKafkaAccess,
  ],
  exports: [VendorKafkaAccess],
})
export class VendorAccessModule {}
