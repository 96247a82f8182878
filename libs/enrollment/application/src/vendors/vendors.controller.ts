import {
  Body,
  ConflictException,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Post,
  Query,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { VENDOR_NAME_MAX, VendorRuleViolation } from '@tutoring/enrollment/domain';
import { DuplicateVendorName, PostgresVendorRepository, VendorPage } from '@tutoring/enrollment/infrastructure';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { vendorAssignmentsTopic, vendorFeedbackTopic, vendorSessionsTopic } from '@tutoring/shared/contracts';
import { PageQueryDto } from '@tutoring/shared/service-kit';
import { VendorKafkaAccess } from '../vendor-access/vendor-kafka-access';
import { RegisterVendorHandler } from './register-vendor.handler';

export class RegisterVendorDto {
  @ApiProperty({ example: 'Bright Path Tutoring', maxLength: VENDOR_NAME_MAX })
  @IsString()
  @MinLength(2)
  @MaxLength(VENDOR_NAME_MAX)
  name: string;
}

@ApiTags('vendors')
@ApiBearerAuth()
@Controller('vendors')
export class VendorsController {
  constructor(
    @Inject(RegisterVendorHandler) private readonly register: RegisterVendorHandler,
    @Inject(PostgresVendorRepository) private readonly vendors: PostgresVendorRepository,
    @Inject(VendorKafkaAccess) private readonly kafkaAccess: VendorKafkaAccess,
  ) {}

  /**
   * Registers a vendor in the caller's district and creates its Kafka user and ACLs: `kafkaCredentials` carries the
   * password this once (status `issued`), or says the grant is `pending` (the broker did not answer: it is retried in
   * the background, and POST /v1/vendors/{vendorId}/kafka-credentials gives a password). Session-ledger opens the
   * vendor's topics when it consumes the registration.
   */
  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Roles('district_admin')
  async create(@Body() body: RegisterVendorDto, @CurrentPrincipal() principal: Principal) {
    try {
      const vendor = await this.register.handle(
        { districtId: principal.districtId, name: body.name, registeredBy: principal.sub },
        (m, vendorId) => this.kafkaAccess.owe(m, vendorId, principal),
      );
      return {
        ...vendor,
        districtId: principal.districtId,
        topics: {
          sessions: vendorSessionsTopic(vendor.vendorId),
          feedback: vendorFeedbackTopic(vendor.vendorId),
          assignments: vendorAssignmentsTopic(vendor.vendorId),
        },
        kafkaCredentials: await this.kafkaAccess.issueAfterRegistration(vendor.vendorId),
      };
    } catch (error) {
      if (error instanceof DuplicateVendorName) throw new ConflictException(error.message);
      if (error instanceof VendorRuleViolation)
        throw new UnprocessableEntityException({ code: error.code, message: error.message });
      throw error;
    }
  }

  @Get()
  @Roles('district_admin', 'program_manager', 'finance')
  list(@Query() query: PageQueryDto, @CurrentPrincipal() principal: Principal): Promise<VendorPage> {
    return this.vendors.list(principal.districtId, query.limit ?? 50, query.cursor ?? null);
  }
}
