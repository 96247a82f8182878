// A real SMTP server for the acceptance tests (smtp-server), recording only messages it accepted (250 after DATA).
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  deliveryId: string;
  to: string[];
  subject: string;
  text: string;
  language: string;
}

export interface SmtpCapture {
  port: number;
  received: ReceivedMail[];
  /** DATA commands that arrived (accepted or not). */
  dataStarted: number;
  /** Hold the next DATA without answering, until released or the client disconnects (simulates a send in flight). */
  holdNext(): void;
  to(address: string): ReceivedMail[];
  stop(): Promise<void>;
}

export async function startSmtpCapture(port: number): Promise<SmtpCapture> {
  const received: ReceivedMail[] = [];
  let hold = false;
  const capture: SmtpCapture = {
    port,
    received,
    dataStarted: 0,
    holdNext: () => {
      hold = true;
    },
    to: (address) => received.filter((m) => m.to.includes(address)),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      capture.dataStarted++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (hold) {
          hold = false; // never answered: the client dies waiting, so the message is not accepted
          return;
        }
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          const header = (name: string) => {
            const v = mail.headers.get(name);
            return typeof v === 'string' ? v : '';
          };
          received.push({
            messageId: mail.messageId ?? '',
            deliveryId: header('x-tutoring-delivery-id'),
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            language: header('content-language'),
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined); // a client killed mid-DATA is expected here
  return capture;
}
