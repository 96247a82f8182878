import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PostgresVendorRepository } from '@tutoring/enrollment/infrastructure';
import { DATA_SOURCE, SERVICE_SCHEMA } from '@tutoring/shared/runtime';
import { RegisterVendorHandler } from './vendors/register-vendor.handler';
import { VendorsController } from './vendors/vendors.controller';

@Module({
  controllers: [VendorsController],
  providers: [
    {
      provide: PostgresVendorRepository,
      inject: [DATA_SOURCE, SERVICE_SCHEMA],
      useFactory: (ds: DataSource, schema: string) => new PostgresVendorRepository(ds, schema),
    },
    {
      provide: RegisterVendorHandler,
      inject: [PostgresVendorRepository],
      useFactory: (vendors: PostgresVendorRepository) => new RegisterVendorHandler(vendors),
    },
  ],
})
export class EnrollmentModule {}
