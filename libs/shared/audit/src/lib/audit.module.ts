import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';

/**
 * Serves GET /v1/audit for a service that imports it. The service must also list `auditLogMigration(...)` among
 * its migrations, and runs on the shared runtime (DATA_SOURCE).
 */
@Module({ controllers: [AuditController] })
export class AuditModule {}
