/** DI tokens under which the Nest shell exposes the runtime's parts to application code. */
export const SERVICE_RUNTIME = Symbol.for('tutoring.runtime.ServiceRuntime');
export const DATA_SOURCE = Symbol.for('tutoring.runtime.DataSource');
export const SERVICE_SCHEMA = Symbol.for('tutoring.runtime.Schema');
