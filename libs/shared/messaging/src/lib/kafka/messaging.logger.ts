/** pino-compatible subset, so services pass their pino logger straight in. */
export interface MessagingLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

const noop = (): void => undefined;
export const silentLogger: MessagingLogger = { info: noop, warn: noop, error: noop, debug: noop };

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
