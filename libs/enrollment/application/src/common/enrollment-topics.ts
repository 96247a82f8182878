import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  ENROLLMENT_ASSESSMENTS_TOPIC,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  ENROLLMENT_VENDORS_TOPIC,
  vendorAssignmentsTopic,
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
  private readonly ensured = new Set<string>();

  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  /**
   * session-ledger opens a vendor's topics when the vendor registers; enrollment makes sure the assignments topic
   * exists before queueing for it, so its outbox relay never waits on a topic that is not there yet.
   */
  async ensureVendorAssignments(vendorId: string): Promise<void> {
    const topic = vendorAssignmentsTopic(vendorId);
    if (this.ensured.has(topic)) return;
    await this.runtime.admin.ensureTopics([{ topic }]);
    this.ensured.add(topic);
  }

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
