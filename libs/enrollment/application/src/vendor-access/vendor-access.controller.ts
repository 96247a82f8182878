import {
  ConflictException,
  Controller,
  Delete,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { AuditLog, auditActor } from '@tutoring/shared/audit';
import { CurrentPrincipal, Roles, type Principal } from '@tutoring/shared/auth';
import {
  PendingVendorAccess,
  type VendorAccessProvisioner,
  type VendorKafkaCredentials,
} from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { DATA_SOURCE, SERVICE_SCHEMA } from '@tutoring/shared/runtime';

import { VENDOR_ACCESS_BROKERS, VENDOR_ACCESS_PROVISIONER } from './vendor-kafka-access';

/**
 * Kafka credentials of a registered vendor: created by its registration (POST /v1/vendors answers the password once);
 * here the district admin rotates them (a new password, shown once; the old one stops working) or revokes them. The
 * platform keeps only the broker's salted hash. Revoking removes the user and every ACL naming it.
 */
@ApiTags('vendors')
@ApiBearerAuth()
@Controller('vendors/:vendorId/kafka-credentials')
export class VendorAccessController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(VENDOR_ACCESS_PROVISIONER) private readonly provisioner: VendorAccessProvisioner | null,
    @Inject(VENDOR_ACCESS_BROKERS) private readonly brokers: readonly string[],
  ) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Roles('district_admin')
  @ApiOperation({
    summary: "Issue or rotate the vendor's SASL/SCRAM-SHA-512 credentials (the password is shown only here)",
  })
  issue(
    @Param('vendorId', new ParseUUIDPipe({ version: '4' })) vendorId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<VendorKafkaCredentials & { bootstrapServers: readonly string[] }> {
    return this.inVendorsDistrict(
      principal,
      vendorId,
      'create',
      'issue or rotate vendor Kafka credentials',
      async (p) => ({
        ...(await p.grant(vendorId)),
        bootstrapServers: this.brokers,
      }),
    );
  }

  @Delete()
  @HttpCode(204)
  @Roles('district_admin')
  @ApiOperation({ summary: "Revoke the vendor's Kafka credentials and ACLs" })
  async revoke(
    @Param('vendorId', new ParseUUIDPipe({ version: '4' })) vendorId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.inVendorsDistrict(principal, vendorId, 'delete', 'revoke vendor Kafka credentials', (p) =>
      p.revoke(vendorId),
    );
  }

  /** The vendor must be registered in the caller's district (404 otherwise); the change is audited in the same transaction. */
  private inVendorsDistrict<T>(
    principal: Principal,
    vendorId: string,
    action: 'create' | 'delete',
    purpose: string,
    work: (p: VendorAccessProvisioner) => Promise<T>,
  ): Promise<T> {
    const provisioner = this.provisioner;
    return inTenantTransaction(this.dataSource, principal.districtId, async (m) => {
      const rows = (await m.query(`SELECT 1 FROM ${this.schema}.vendors WHERE vendor_id = $1 AND district_id = $2`, [
        vendorId,
        principal.districtId,
      ])) as unknown[];
      if (rows.length === 0) throw new NotFoundException('no such vendor in this district');
      if (!provisioner) {
        throw new ConflictException({
          code: 'kafka_sasl_disabled',
          message: 'the platform connects to Kafka without SASL: per-vendor credentials are unavailable',
        });
      }
      // a grant still owed since registration is settled first (waiting for one in progress), so no retry can
      // overwrite the password handed out here or undo a revocation
      await PendingVendorAccess.settle(m, this.schema, vendorId);
      await AuditLog.record(m, {
        actor: auditActor(principal),
        action,
        resourceType: 'vendor_kafka_credential',
        resourceIds: [vendorId],
        purpose,
      });
      return work(provisioner);
    });
  }
}
