import { Module } from '@nestjs/common';
import { VendorAccessProvisioner } from '@tutoring/shared/messaging';
import { SERVICE_RUNTIME, type ServiceRuntime } from '@tutoring/shared/runtime';
import { VENDOR_ACCESS_BROKERS, VENDOR_ACCESS_PROVISIONER, VendorAccessController } from './vendor-access.controller';

/**
 * Per-vendor Kafka credentials, provisioned with the service's own Kafka identity (which needs the cluster's ALTER
 * permission, e.g. as a super user of the district's cluster). Without SASL there is nothing to provision.
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
      provide: VENDOR_ACCESS_BROKERS,
      inject: [SERVICE_RUNTIME],
      useFactory: (runtime: ServiceRuntime) => runtime.config.kafka.brokers,
    },
  ],
})
export class VendorAccessModule {}
