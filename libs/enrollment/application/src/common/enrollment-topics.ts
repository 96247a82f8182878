import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  ENROLLMENT_ASSESSMENTS_TOPIC,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  ENROLLMENT_VENDORS_TOPIC,
} from '@tutoring/shared/contracts';
import { SERVICE_RUNTIME, type ServiceRuntime } from '@tutoring/shared/runtime';

export const ENROLLMENT_TOPICS = [
  ENROLLMENT_VENDORS_TOPIC,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  ENROLLMENT_ASSESSMENTS_TOPIC,
] as const;

/**
 * The topics enrollment publishes to exist before its outbox relay needs them (brokers do not auto-create topics).
 * Kafka may be down at start: retried in the background with backoff; the outbox keeps the events meanwhile.
 */
@Injectable()
export class EnrollmentTopics implements OnApplicationBootstrap {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  onApplicationBootstrap(): void {
    const log = this.runtime.config.logger;
    const attempt = async (n: number): Promise<void> => {
      try {
        await this.runtime.admin.ensureTopics(ENROLLMENT_TOPICS.map((topic) => ({ topic })));
      } catch (error) {
        log.warn({ err: String(error), attempt: n }, 'creating enrollment topics failed; retrying');
        setTimeout(() => void attempt(n + 1), Math.min(30_000, 500 * 2 ** n)).unref();
      }
    };
    void attempt(1);
  }
}
