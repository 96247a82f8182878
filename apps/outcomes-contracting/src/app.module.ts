import { Module } from '@nestjs/common';

/**
 * outcomes-contracting runs with the platform's shell (health, docs, default-deny auth, outbox relay) and has no domain routes yet:
 * see the open issue for this context.
 */
@Module({})
export class OutcomesContractingModule {}
