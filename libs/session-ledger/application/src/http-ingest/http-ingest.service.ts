import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { parseDatasCsv, CsvRowError, SessionEnvelope } from '@tutoring/session-ledger/domain';
import { ReferenceStore } from '@tutoring/session-ledger/infrastructure';
import {
  deadLetterTopic,
  MAX_EVENT_BYTES,
  SESSION_DELIVERED_V1,
  vendorSessionsTopic,
} from '@tutoring/shared/contracts';
import { decodeCloudEvent, DeadLetterPublisher, encodeBinary, IncomingMessage } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { asContractError } from '../ingest/sessions-topic.handler';
import {
  DecodedSessionMessage,
  IngestOrigin,
  IngestOutcome,
  SessionIngestService,
} from '../ingest/session-ingest.service';

/** Most events in one batch request (the body cap still applies). */
export const MAX_BATCH_EVENTS = 100;
export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';

export interface HttpCaller {
  vendorId: string;
  districtId: string;
}

/** One HTTP body part as the Kafka decoder sees a message: headers + the bytes of the value. */
export interface HttpEventPart {
  headers: Record<string, string>;
  value: Buffer;
  /** The vendor's own key for the dead letter (sessionId when readable). */
  key: string | null;
}

export type EventResult = IngestOutcome & { index: number };

export interface CsvUploadResult {
  sessions: (IngestOutcome & { lines: number[] })[];
  rowErrors: CsvRowError[];
}

const sessionIdOf = (value: Buffer): string | null => {
  try {
    const json = JSON.parse(value.toString('utf8')) as { sessionId?: unknown; data?: { sessionId?: unknown } };
    const id = json.sessionId ?? json.data?.sessionId;
    return typeof id === 'string' ? id.slice(0, 128) : null;
  } catch {
    return null;
  }
};

/**
 * HTTP and CSV shells of ingest. Each event is decoded exactly as a Kafka message would be (HTTP `ce-*` headers
 * become `ce_*`), then takes the one ingest path, so the verdicts and the vendor's feedback are the same whatever
 * the transport. A rejection is also copied to the vendor's sessions dead-letter topic, with `dlq_source_channel`
 * saying where it came from (the source topic header then names the channel, not a Kafka topic).
 */
export class HttpIngestService {
  private readonly reference: ReferenceStore;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly ingest: SessionIngestService,
    private readonly deadLetters: (topic: string) => DeadLetterPublisher,
  ) {
    this.reference = new ReferenceStore(schema);
  }

  /** Binary mode: the body is the data, the attributes are `ce-*` HTTP headers. */
  static binaryPart(httpHeaders: Record<string, string | string[] | undefined>, body: unknown): HttpEventPart {
    const headers: Record<string, string> = {};
    for (const [name, raw] of Object.entries(httpHeaders)) {
      const value = Array.isArray(raw) ? raw[0] : raw;
      if (value === undefined) continue;
      const lower = name.toLowerCase();
      if (lower.startsWith('ce-')) headers[`ce_${lower.slice(3)}`] = value;
    }
    headers['content-type'] = 'application/json';
    const value = Buffer.from(JSON.stringify(body ?? null), 'utf8');
    return { headers, value, key: sessionIdOf(value) };
  }

  /** Structured mode (single or one element of a batch): the body is the whole CloudEvent. */
  static structuredPart(event: unknown): HttpEventPart {
    const value = Buffer.from(JSON.stringify(event ?? null), 'utf8');
    return { headers: { 'content-type': STRUCTURED_CONTENT_TYPE }, value, key: sessionIdOf(value) };
  }

  async events(caller: HttpCaller, parts: HttpEventPart[]): Promise<EventResult[]> {
    const requestId = randomUUID();
    const results: EventResult[] = [];
    for (const [index, part] of parts.entries()) {
      const ref = `http/${requestId}/${index}`;
      const decoded = decodeCloudEvent(part, { maxBytes: MAX_EVENT_BYTES });
      const input: DecodedSessionMessage = decoded.ok
        ? { ok: true, envelope: decoded.event }
        : { ok: false, errors: decoded.errors.map(asContractError), eventId: part.headers['ce_id'] ?? null };
      const outcome = await this.ingest.ingest(input, this.origin(caller, 'http', ref));
      if (outcome.status === 'rejected') await this.deadLetter(caller, 'http', ref, part, outcome.errors);
      results.push({ ...outcome, index });
    }
    return results;
  }

  async csv(caller: HttpCaller, text: string): Promise<CsvUploadResult> {
    const timeZone = await inTenantTransaction(this.dataSource, caller.districtId, (m) =>
      this.reference.timeZoneOf(m, caller.districtId),
    );
    const digest = (t: string) => createHash('sha256').update(t).digest('hex');
    const parsed = parseDatasCsv(text, { vendorId: caller.vendorId, districtId: caller.districtId, timeZone, digest });
    const uploadId = randomUUID();
    const sessions: CsvUploadResult['sessions'] = [];
    for (const session of parsed.sessions) {
      const ref = `csv/${uploadId}/${session.lines[0]}`;
      const envelope: SessionEnvelope = {
        id: session.eventId,
        source: `urn:tutoring:vendor:${caller.vendorId}`,
        type: SESSION_DELIVERED_V1,
        districtid: caller.districtId,
        data: session.data,
      };
      const outcome = await this.ingest.ingest(
        { ok: true, envelope },
        this.origin(caller, 'csv', ref, { lines: session.lines }),
      );
      if (outcome.status === 'rejected') {
        const { headers, value } = encodeBinary({
          specversion: '1.0',
          ...envelope,
          datacontenttype: 'application/json',
        });
        await this.deadLetter(caller, 'csv', ref, { headers, value, key: session.data.sessionId }, outcome.errors);
      }
      sessions.push({ ...outcome, lines: session.lines });
    }
    return { sessions, rowErrors: parsed.errors };
  }

  private origin(
    caller: HttpCaller,
    channel: 'http' | 'csv',
    ref: string,
    extra: Record<string, unknown> = {},
  ): IngestOrigin {
    return {
      channel,
      ref,
      vendorId: caller.vendorId,
      authenticatedVendorId: caller.vendorId,
      authenticatedDistrictId: caller.districtId,
      metadata: { channel, ...extra },
    };
  }

  private async deadLetter(
    caller: HttpCaller,
    channel: 'http' | 'csv',
    ref: string,
    part: HttpEventPart,
    errors: { path: string; code: string; message: string }[],
  ): Promise<void> {
    const original: IncomingMessage = {
      topic: channel,
      partition: -1,
      offset: ref,
      key: part.key,
      value: part.value,
      headers: { ...part.headers, dlq_source_channel: channel },
      timestamp: String(Date.now()),
    };
    await this.deadLetters(deadLetterTopic(vendorSessionsTopic(caller.vendorId))).publish(original, {
      errors,
      stage: `session-ingest-${channel}`,
    });
  }
}
