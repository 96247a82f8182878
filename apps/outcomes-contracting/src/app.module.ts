import { Module } from '@nestjs/common';
import { OutcomesContractingModule as ContextModule } from '@tutoring/outcomes-contracting/application';

/** outcomes-contracting: contracts and rate cards, payout statements, approval, finance topic (docs/services/outcomes-contracting.md). */
@Module({ imports: [ContextModule] })
export class OutcomesContractingModule {}
