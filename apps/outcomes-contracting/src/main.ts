import { telemetry } from './telemetry';
import 'reflect-metadata'; // before any decorated class (the contracts DTOs) is loaded
import { runService } from '@tutoring/shared/runtime';
import { OUTCOMES_CONTRACTING_MIGRATIONS } from '@tutoring/outcomes-contracting/infrastructure';
import { OutcomesContractingModule } from './app.module';

void runService({
  name: 'outcomes-contracting',
  module: OutcomesContractingModule,
  migrations: OUTCOMES_CONTRACTING_MIGRATIONS,
  telemetry,
});
