// Data schemas of what vendors receive on tutoring.vendor.<vendorId>.feedback.v1.
import {
  CODE_PATTERN,
  MAX_EVENT_ID_LENGTH,
  MAX_FEEDBACK_ERRORS,
  MAX_FEEDBACK_EXCEPTIONS,
  MAX_MESSAGE_LENGTH,
  MAX_PATH_LENGTH,
  SESSION_ID_PATTERN,
} from '../limits';
import { SESSION_ACCEPTED_V1, SESSION_REJECTED_V1 } from '../event-types';
import {
  arrayOf,
  boundedString,
  eventSchema,
  integer,
  object,
  sessionId,
  uuid,
  type JsonSchema,
} from './common.schema';

const code = (description: string): JsonSchema => ({ type: 'string', pattern: CODE_PATTERN, description });
const message = (): JsonSchema => boundedString('Human-readable explanation', 1, MAX_MESSAGE_LENGTH);

export const sessionExceptionSchema: JsonSchema = object('A billing exception on one attendance line', {
  studentId: uuid('Student of the line'),
  code: code('Stable exception code, e.g. not_enrolled, not_instructional_day'),
  message: message(),
});

export const fieldErrorSchema: JsonSchema = object('Why a message was rejected', {
  path: boundedString('Field path, e.g. attendance[1].minutes; empty for the whole message', 0, MAX_PATH_LENGTH),
  code: code('Stable error code, e.g. required, type, format, range, duplicate'),
  message: message(),
});

export const sessionAcceptedSchema: JsonSchema = eventSchema(
  SESSION_ACCEPTED_V1,
  object('The session event was recorded in the ledger (lines with exceptions are kept but not paid)', {
    sessionId: sessionId(),
    eventId: boundedString('ce_id of the accepted event', 1, MAX_EVENT_ID_LENGTH),
    ledgerPosition: integer('Global ledger position of the recorded entry', 1, Number.MAX_SAFE_INTEGER),
    exceptions: arrayOf(sessionExceptionSchema, 0, MAX_FEEDBACK_EXCEPTIONS, 'Billing exceptions, empty when none'),
  }),
);

export const sessionRejectedSchema: JsonSchema = eventSchema(
  SESSION_REJECTED_V1,
  object('The session event was not recorded; fix and resend with a new ce_id', {
    sessionId: {
      type: ['string', 'null'],
      pattern: SESSION_ID_PATTERN,
      description: 'sessionId of the rejected event, null when it could not be read',
    },
    eventId: {
      type: ['string', 'null'],
      minLength: 1,
      maxLength: MAX_EVENT_ID_LENGTH,
      description: 'ce_id of the rejected message, null only when it carried none',
    },
    errors: arrayOf(fieldErrorSchema, 1, MAX_FEEDBACK_ERRORS, 'What is wrong, at least one'),
  }),
);
