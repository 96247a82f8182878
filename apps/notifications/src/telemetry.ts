// Imported first by main.ts: OpenTelemetry must patch http and pg before anything loads them.
import { startTelemetry } from '@tutoring/shared/service-kit/telemetry';

export const telemetry = startTelemetry('notifications');
