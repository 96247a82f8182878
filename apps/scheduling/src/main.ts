import { telemetry } from './telemetry';
import 'reflect-metadata'; // before any decorated class (the contracts DTOs) is loaded
import { runService } from '@tutoring/shared/runtime';
import { SCHEDULING_MIGRATIONS } from '@tutoring/scheduling/infrastructure';
import { schedulingConfigSchema } from '@tutoring/scheduling/application';
import { SchedulingModule } from './app.module';

void runService({
  name: 'scheduling',
  module: SchedulingModule,
  migrations: SCHEDULING_MIGRATIONS,
  telemetry,
  config: schedulingConfigSchema,
});
