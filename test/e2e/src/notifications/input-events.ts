// The input events of notifications, published as their producers would (CloudEvents, binary mode). Where the
// producer has published its JSON Schema, each event is validated against it before it is sent.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import {
  contractsTesting,
  DISTRICT_CONFIGURED_V1,
  DOSAGE_BELOW_TARGET_V1,
  DOSAGE_TOPIC,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLMENT_CHANGED_V1,
  FINANCE_PAYOUTS_TOPIC,
  INTERNAL_EVENT_SCHEMAS,
  InternalEventDataMap,
  InternalEventType,
  LEDGER_SESSION_RECORDED_V1,
  LEDGER_TOPIC,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  PROGRAM_DEFINED_V1,
  SCHEDULING_TOPIC,
  STATEMENT_ISSUED_V1,
  StatementIssuedV1,
  STUDENT_ROSTERED_V1,
  validateEvent,
  validateInternalEvent,
} from '@tutoring/shared/contracts';
import { encodeBinary } from '@tutoring/shared/messaging';

const TOPIC_OF: Partial<Record<InternalEventType, string>> = {
  [DISTRICT_CONFIGURED_V1]: ENROLLMENT_ORGANISATION_TOPIC,
  [PROGRAM_DEFINED_V1]: ENROLLMENT_ORGANISATION_TOPIC,
  [STUDENT_ROSTERED_V1]: ENROLLMENT_STUDENTS_TOPIC,
  [ENROLMENT_CHANGED_V1]: ENROLLMENT_STUDENTS_TOPIC,
  [OCCURRENCE_PLANNED_V1]: SCHEDULING_TOPIC,
  [OCCURRENCE_CANCELLED_V1]: SCHEDULING_TOPIC,
  [LEDGER_SESSION_RECORDED_V1]: LEDGER_TOPIC,
  [DOSAGE_BELOW_TARGET_V1]: DOSAGE_TOPIC,
};
const SOURCE_OF = (topic: string): string =>
  `urn:tutoring:service:${topic.split('.')[1] === 'ledger' ? 'session-ledger' : topic.split('.')[1]}`;

export const validatedBy: Record<string, 'producer-schema' | 'field-checks-in-this-test'> = {};

export class InputPublisher {
  private constructor(private readonly producer: Producer) {}

  static async connect(brokers: string): Promise<InputPublisher> {
    const producer = new Kafka({
      clientId: 'notifications-e2e',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    }).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    return new InputPublisher(producer);
  }

  async internal<T extends InternalEventType>(type: T, data: InternalEventDataMap[T], key: string): Promise<string> {
    if (INTERNAL_EVENT_SCHEMAS[type]) {
      const r = validateInternalEvent(type, data);
      if (!r.ok)
        throw new Error(`${type} built by the test does not match the producer schema: ${JSON.stringify(r.errors)}`);
      validatedBy[type] = 'producer-schema';
    } else {
      // The producer has not published its schema yet: the builders follow internal-events.ts field by field.
      validatedBy[type] = 'field-checks-in-this-test';
    }
    const topic = TOPIC_OF[type];
    if (!topic) throw new Error(`no topic for ${type}`);
    return this.send(topic, type, data, key, (data as { districtId: string }).districtId);
  }

  async statementIssued(data: StatementIssuedV1): Promise<string> {
    const r = validateEvent(STATEMENT_ISSUED_V1, data);
    if (!r.ok) throw new Error(`statement does not match the fixed contract: ${JSON.stringify(r.errors)}`);
    return this.send(
      FINANCE_PAYOUTS_TOPIC,
      STATEMENT_ISSUED_V1,
      data,
      data.contractId,
      data.districtId,
      'urn:tutoring:service:outcomes-contracting',
    );
  }

  private async send(
    topic: string,
    type: string,
    data: unknown,
    key: string,
    districtId: string,
    source = SOURCE_OF(topic),
  ): Promise<string> {
    const id = randomUUID();
    const encoded = encodeBinary({
      specversion: '1.0',
      id,
      source,
      type,
      time: new Date().toISOString(),
      districtid: districtId,
      data,
    });
    await this.producer.send({ topic, acks: -1, messages: [{ key, value: encoded.value, headers: encoded.headers }] });
    return id;
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

export const aStatement = (over: Partial<StatementIssuedV1>): StatementIssuedV1 =>
  contractsTesting.aStatementIssued(over);
