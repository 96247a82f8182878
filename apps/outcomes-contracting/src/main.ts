import { telemetry } from './telemetry';
import { runService } from '@tutoring/shared/runtime';
import { OutcomesContractingModule } from './app.module';
import { OutcomesContractingMessaging1700000000000 } from './migrations/1700000000000-messaging.migration';

void runService({ name: 'outcomes-contracting', module: OutcomesContractingModule, migrations: [OutcomesContractingMessaging1700000000000], telemetry });
