// Test helper process (dispatch-crash-window.int.spec.ts starts it): the real dispatcher and SMTP sender, in a
// process that SIGKILLs itself the moment the SMTP server has answered 250 to DATA, i.e. after the message was
// accepted and before "sent" can commit. Not part of the service (nothing imports it).
import { randomUUID } from 'node:crypto';
import {
  ChannelSender,
  DeliveryStore,
  OutgoingNotification,
  ReadModelStore,
  SmtpEmailSender,
} from '@tutoring/notifications/infrastructure';
import { silentLogger } from '@tutoring/shared/messaging';
import { createServiceDataSource } from '@tutoring/shared/persistence';
import { DEFAULT_DISPATCHER_OPTIONS, Dispatcher } from './dispatcher.service';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const schema = env('CRASH_SCHEMA');
  const ds = createServiceDataSource({
    url: env('CRASH_DATABASE_URL'),
    migrationUrl: env('CRASH_DATABASE_URL'),
    schema,
    applicationName: 'notifications-crash-window',
  });
  await ds.initialize();
  const messageIdDomain = env('CRASH_MESSAGE_ID_DOMAIN');
  const email = new SmtpEmailSender({
    host: '127.0.0.1',
    port: Number(env('CRASH_SMTP_PORT')),
    secure: false,
    from: 'notifications@tutoring.invalid',
    messageIdDomain,
  });
  const diesAfterAccept: ChannelSender = {
    channel: 'email',
    async send(message: OutgoingNotification) {
      await email.send(message); // resolved: the server answered 250
      process.kill(process.pid, 'SIGKILL');
    },
  };
  const dispatcher = new Dispatcher(
    ds,
    schema,
    new ReadModelStore(schema),
    new DeliveryStore(schema),
    [diesAfterAccept],
    silentLogger,
    { ...DEFAULT_DISPATCHER_OPTIONS, leaseMs: Number(env('CRASH_LEASE_MS')), messageIdDomain },
    randomUUID,
  );
  const now = new Date(env('CRASH_NOW'));
  await dispatcher.dispatch(env('CRASH_DISTRICT_ID'), () => now);
  process.exit(3); // never reached when a delivery was due
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
