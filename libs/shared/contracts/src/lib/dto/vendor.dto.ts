// class-validator twin of ../schemas/vendor.schemas.ts (vendor.registered.v1).
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { VendorRegisteredV1 } from '../event-data.types';
import { MAX_VENDOR_NAME_LENGTH } from '../limits';
import { IsContractUuid, IsTimestamp } from './decorators';

export class VendorRegisteredV1Dto implements VendorRegisteredV1 {
  @IsString() @IsContractUuid() vendorId!: string;
  @IsString() @IsContractUuid() districtId!: string;
  @IsString() @MinLength(1) @MaxLength(MAX_VENDOR_NAME_LENGTH) name!: string;
  @IsString() @IsTimestamp() registeredAt!: string;
}
