import { Module } from '@nestjs/common';
import { SchedulingModule as SchedulingContextModule } from '@tutoring/scheduling/application';

/** scheduling: bell schedules, groups, planned occurrences, cancellations and the auto-scheduler (see docs/services/scheduling.md). */
@Module({ imports: [SchedulingContextModule] })
export class SchedulingModule {}
