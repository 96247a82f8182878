// Secondary entry point that loads nothing but OpenTelemetry, for an app's first import
// (see README: importing the main index here would load Nest before instrumentation).
export { startTelemetry, type Telemetry } from './telemetry/telemetry';
