import { telemetry } from './telemetry';
import { messagingTablesMigration, runService } from '@tutoring/shared/runtime';
import { OutcomesContractingModule } from './app.module';

void runService({ name: 'outcomes-contracting', module: OutcomesContractingModule, migrations: [messagingTablesMigration('OutcomesContractingMessaging1700000000000')], telemetry });
