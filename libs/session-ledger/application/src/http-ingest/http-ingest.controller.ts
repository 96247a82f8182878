import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Headers,
  HttpCode,
  Inject,
  Post,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import {
  BATCH_CONTENT_TYPE,
  HttpCaller,
  HttpIngestService,
  MAX_BATCH_EVENTS,
  STRUCTURED_CONTENT_TYPE,
} from './http-ingest.service';

const callerOf = (principal: Principal): HttpCaller => {
  if (!principal.vendorId) throw new ForbiddenException('the token names no vendor (vendor_id claim)');
  return { vendorId: principal.vendorId, districtId: principal.districtId };
};

const baseType = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * Vendors without Kafka: the same CloudEvents over HTTP (binary, structured or batch) and DATAS CSV uploads. The
 * vendor and district come from the token; the verdicts are answered synchronously (202, one result per event)
 * and, exactly as for Kafka, on the vendor's feedback topic.
 */
@ApiTags('ingest')
@ApiBearerAuth()
@Controller('ingest')
export class HttpIngestController {
  constructor(@Inject(HttpIngestService) private readonly service: HttpIngestService) {}

  @Post('events')
  @HttpCode(202)
  @Roles('vendor')
  @ApiOperation({
    summary: 'Publish session events over the CloudEvents HTTP binding',
    description:
      'Binary mode: `content-type: application/json`, attributes in `ce-specversion`, `ce-id`, `ce-source`, `ce-type`, ' +
      '`ce-time`, `ce-districtid` headers, the session data as body. Structured mode: `application/cloudevents+json`. ' +
      `Batch: \`application/cloudevents-batch+json\`, a JSON array of at most ${MAX_BATCH_EVENTS} structured events.`,
  })
  @ApiConsumes('application/json', STRUCTURED_CONTENT_TYPE, BATCH_CONTENT_TYPE)
  @ApiHeader({ name: 'ce-id', required: false, description: 'binary mode: the idempotency key' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiResponse({
    status: 202,
    description:
      '{ results: [{ index, status: accepted|duplicate|rejected, sessionId, eventId, ledgerPosition, exceptions | errors }] }',
  })
  async events(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const caller = callerOf(principal);
    const type = baseType(headers['content-type'] as string | undefined);
    if (type === BATCH_CONTENT_TYPE) {
      if (!Array.isArray(body)) throw new BadRequestException('a batch is a JSON array of structured CloudEvents');
      if (body.length === 0 || body.length > MAX_BATCH_EVENTS)
        throw new BadRequestException(`a batch holds 1 to ${MAX_BATCH_EVENTS} events`);
      return {
        results: await this.service.events(
          caller,
          body.map((e) => HttpIngestService.structuredPart(e)),
        ),
      };
    }
    if (type === STRUCTURED_CONTENT_TYPE)
      return { results: await this.service.events(caller, [HttpIngestService.structuredPart(body)]) };
    if (type === 'application/json')
      return { results: await this.service.events(caller, [HttpIngestService.binaryPart(headers, body)]) };
    throw new UnsupportedMediaTypeException(
      `use application/json (binary), ${STRUCTURED_CONTENT_TYPE} or ${BATCH_CONTENT_TYPE}`,
    );
  }

  @Post('datas-csv')
  @HttpCode(202)
  @Roles('vendor')
  @ApiOperation({
    summary: 'Upload a DATAS session CSV',
    description:
      'Columns `student_id, session_topic, session_date, session_duration, session_ratio, tutor_id` (header row required), ' +
      'optional `session_start` (local HH:MM), `status`, `minutes_present`, `modality`, `session_id`. Rows sharing tutor, date, ' +
      'start, topic and duration form one session; its sessionId and ce_id are derived from its content, so re-uploading a file is a no-op. ' +
      'Row errors come back with line and column; the other sessions are ingested.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string' } })
  @ApiResponse({
    status: 202,
    description:
      '{ sessions: [{ lines, status, sessionId, eventId, … }], rowErrors: [{ line, column, code, message }] }',
  })
  async csv(
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const caller = callerOf(principal);
    if (baseType(contentType) !== 'text/csv') throw new UnsupportedMediaTypeException('upload the file as text/csv');
    if (typeof body !== 'string' || body.trim() === '') throw new BadRequestException('the CSV file is empty');
    const result = await this.service.csv(caller, body);
    if (result.sessions.length === 0 && result.rowErrors.some((e) => e.line === 1)) {
      throw new BadRequestException({
        statusCode: 400,
        message: 'the CSV header is not a DATAS session file',
        rowErrors: result.rowErrors,
      });
    }
    return result;
  }
}
