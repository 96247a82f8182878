// A minimal Kafka admin connection for the one call kafkajs lacks: AlterUserScramCredentials (API key 51).
// It speaks just enough of the protocol: SaslHandshake v1 + SaslAuthenticate v1 (SCRAM-SHA-256/512 per RFC 5802,
// or PLAIN) to log in as the platform's admin identity, then AlterUserScramCredentials v0 (a "flexible" request).
// The broker stores only the salted password; the clear password never leaves this process except to the caller.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

export type ScramMechanism = 'scram-sha-256' | 'scram-sha-512';
export type AdminSaslMechanism = ScramMechanism | 'plain';

export interface ScramAdminConfig {
  /** `host:port`; the first reachable one is used (any broker forwards the change to the controller). */
  brokers: string[];
  clientId: string;
  ssl?: boolean | ConnectionOptions;
  sasl?: { mechanism: AdminSaslMechanism; username: string; password: string };
  timeoutMs?: number;
}

const MECHANISM_CODE: Record<ScramMechanism, number> = { 'scram-sha-256': 1, 'scram-sha-512': 2 };
const HASH: Record<ScramMechanism, { name: 'sha256' | 'sha512'; bytes: number }> = {
  'scram-sha-256': { name: 'sha256', bytes: 32 },
  'scram-sha-512': { name: 'sha512', bytes: 64 },
};
/** Kafka accepts 4096..16384 iterations for SCRAM credentials. */
export const SCRAM_ITERATIONS = 8192;

// ---- wire encoding --------------------------------------------------------------------------------------------
class Writer {
  private readonly parts: Buffer[] = [];
  int8(v: number) {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  int16(v: number) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  int32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  uvarint(v: number) {
    const bytes: number[] = [];
    let n = v >>> 0;
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    bytes.push(n);
    return this.push(Buffer.from(bytes));
  }
  string(s: string) {
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).push(b);
  }
  bytes(b: Buffer) {
    return this.int32(b.length).push(b);
  }
  compactString(s: string) {
    const b = Buffer.from(s, 'utf8');
    return this.uvarint(b.length + 1).push(b);
  }
  compactBytes(b: Buffer) {
    return this.uvarint(b.length + 1).push(b);
  }
  push(b: Buffer) {
    this.parts.push(b);
    return this;
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  int16() {
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32() {
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  int64() {
    this.at += 8;
  }
  uvarint() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.buf.readUInt8(this.at++);
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const s = this.buf.toString('utf8', this.at, this.at + len);
    this.at += len;
    return s;
  }
  bytes(): Buffer {
    const len = this.int32();
    const b = this.buf.subarray(this.at, this.at + Math.max(0, len));
    this.at += Math.max(0, len);
    return b;
  }
  compactNullableString(): string | null {
    const len = this.uvarint() - 1;
    if (len < 0) return null;
    const s = this.buf.toString('utf8', this.at, this.at + len);
    this.at += len;
    return s;
  }
  skipTags() {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.at += this.uvarint();
    }
  }
}

// ---- SCRAM client (RFC 5802) -----------------------------------------------------------------------------------
const saslName = (user: string) => user.replace(/=/g, '=3D').replace(/,/g, '=2C');
const hmac = (hash: string, key: Buffer, data: string | Buffer) => createHmac(hash, key).update(data).digest();

export const saltedPassword = (mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer =>
  pbkdf2Sync(password.normalize('NFKC'), salt, iterations, HASH[mechanism].bytes, HASH[mechanism].name);

interface ScramExchange {
  first: Buffer;
  final(serverFirst: string): Buffer;
  verify(serverFinal: string): void;
}

function scramExchange(mechanism: ScramMechanism, user: string, password: string): ScramExchange {
  const { name } = HASH[mechanism];
  const nonce = randomBytes(24).toString('base64');
  const firstBare = `n=${saslName(user)},r=${nonce}`;
  let serverSignature: Buffer | null = null;
  return {
    first: Buffer.from(`n,,${firstBare}`),
    final(serverFirst) {
      const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
      const r = attrs['r'] ?? '';
      if (!r.startsWith(nonce)) throw new Error('SCRAM: server nonce does not extend the client nonce');
      const salted = saltedPassword(mechanism, password, Buffer.from(attrs['s'] ?? '', 'base64'), Number(attrs['i']));
      const clientKey = hmac(name, salted, 'Client Key');
      const storedKey = createHash(name).update(clientKey).digest();
      const withoutProof = `c=biws,r=${r}`;
      const authMessage = `${firstBare},${serverFirst},${withoutProof}`;
      const signature = hmac(name, storedKey, authMessage);
      const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] ?? 0)));
      serverSignature = hmac(name, hmac(name, salted, 'Server Key'), authMessage);
      return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
    },
    verify(serverFinal) {
      const v = /(?:^|,)v=([^,]+)/.exec(serverFinal)?.[1];
      const expected = serverSignature;
      if (!v || !expected || !timingSafeEqual(Buffer.from(v, 'base64'), expected))
        throw new Error('SCRAM: server signature mismatch');
    },
  };
}

// ---- connection ------------------------------------------------------------------------------------------------
export class KafkaProtocolError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

class Connection {
  private buffer = Buffer.alloc(0);
  private correlation = 0;
  private pending: { id: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly clientId: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.pending?.reject(e));
    socket.on('close', () => this.pending?.reject(new Error('Kafka connection closed')));
  }

  static open(broker: string, config: ScramAdminConfig): Promise<Connection> {
    const [host, port] = [broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1))];
    const timeoutMs = config.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const options = typeof config.ssl === 'object' ? config.ssl : {};
      const socket = config.ssl
        ? tlsConnect({ host, port, servername: host, ...options }, () =>
            resolve(new Connection(socket, config.clientId, timeoutMs)),
          )
        : netConnect({ host, port }, () => resolve(new Connection(socket, config.clientId, timeoutMs)));
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`Kafka ${broker} timed out`)));
      socket.once('error', reject);
    });
  }

  /** Sends one request; `flexible` adds the header tag buffer (request header v2) and skips it in the answer. */
  request(apiKey: number, apiVersion: number, body: Buffer, flexible: boolean): Promise<Reader> {
    const id = ++this.correlation;
    const header = new Writer().int16(apiKey).int16(apiVersion).int32(id).string(this.clientId);
    if (flexible) header.uvarint(0);
    const payload = Buffer.concat([header.build(), body]);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Kafka request ${apiKey} timed out`)), this.timeoutMs);
      this.pending = {
        id,
        resolve: (b) => (clearTimeout(timer), resolve(b)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.socket.write(Buffer.concat([new Writer().int32(payload.length).build(), payload]));
    }).then((frame) => {
      const reader = new Reader(frame);
      reader.int32(); // correlation id, checked in onData
      if (flexible) reader.skipTags();
      return reader;
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + size) return;
      const frame = this.buffer.subarray(4, 4 + size);
      this.buffer = this.buffer.subarray(4 + size);
      const pending = this.pending;
      this.pending = null;
      if (pending && frame.readInt32BE(0) === pending.id) pending.resolve(frame);
      else pending?.reject(new Error('Kafka answered out of order'));
    }
  }
}

const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const ALTER_USER_SCRAM_CREDENTIALS = 51;

async function authenticate(conn: Connection, sasl: NonNullable<ScramAdminConfig['sasl']>): Promise<void> {
  const mechanism = sasl.mechanism.toUpperCase();
  const hs = await conn.request(SASL_HANDSHAKE, 1, new Writer().string(mechanism).build(), false);
  const hsError = hs.int16();
  if (hsError !== 0) throw new KafkaProtocolError(`SASL mechanism ${mechanism} not enabled on the broker`, hsError);
  const step = async (bytes: Buffer): Promise<Buffer> => {
    const r = await conn.request(SASL_AUTHENTICATE, 1, new Writer().bytes(bytes).build(), false);
    const code = r.int16();
    const message = r.nullableString();
    const out = r.bytes();
    r.int64();
    if (code !== 0) throw new KafkaProtocolError(`SASL authentication failed: ${message ?? code}`, code);
    return Buffer.from(out);
  };
  if (sasl.mechanism === 'plain') {
    await step(Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`));
    return;
  }
  const scram = scramExchange(sasl.mechanism, sasl.username, sasl.password);
  const serverFirst = await step(scram.first);
  const serverFinal = await step(scram.final(serverFirst.toString('utf8')));
  scram.verify(serverFinal.toString('utf8'));
}

export interface ScramUpsert {
  user: string;
  mechanism: ScramMechanism;
  password: string;
  iterations?: number;
}

/** Creates, rotates and deletes SCRAM credentials through the Kafka admin API (no ZooKeeper, no JVM tools). */
export class KafkaScramAdmin {
  constructor(private readonly config: ScramAdminConfig) {}

  async upsert(credentials: ScramUpsert[]): Promise<void> {
    await this.alter([], credentials);
  }

  async delete(users: { user: string; mechanism: ScramMechanism }[]): Promise<void> {
    await this.alter(users, [], [91]); // RESOURCE_NOT_FOUND: already gone is fine
  }

  private async alter(
    deletions: { user: string; mechanism: ScramMechanism }[],
    upsertions: ScramUpsert[],
    tolerated: number[] = [],
  ): Promise<void> {
    const body = new Writer().uvarint(deletions.length + 1);
    for (const d of deletions) body.compactString(d.user).int8(MECHANISM_CODE[d.mechanism]).uvarint(0);
    body.uvarint(upsertions.length + 1);
    for (const u of upsertions) {
      const iterations = u.iterations ?? SCRAM_ITERATIONS;
      const salt = randomBytes(32);
      body
        .compactString(u.user)
        .int8(MECHANISM_CODE[u.mechanism])
        .int32(iterations)
        .compactBytes(salt)
        .compactBytes(saltedPassword(u.mechanism, u.password, salt, iterations))
        .uvarint(0);
    }
    body.uvarint(0);
    const reader = await this.withConnection((conn) =>
      conn.request(ALTER_USER_SCRAM_CREDENTIALS, 0, body.build(), true),
    );
    reader.int32(); // throttle
    const results = reader.uvarint() - 1;
    for (let i = 0; i < results; i++) {
      const user = reader.compactNullableString();
      const code = reader.int16();
      const message = reader.compactNullableString();
      reader.skipTags();
      if (code !== 0 && !tolerated.includes(code))
        throw new KafkaProtocolError(`SCRAM credential change for ${user ?? '?'} failed: ${message ?? code}`, code);
    }
  }

  private async withConnection<T>(work: (conn: Connection) => Promise<T>): Promise<T> {
    let lastError: unknown = new Error('no brokers configured');
    for (const broker of this.config.brokers) {
      let conn: Connection | undefined;
      try {
        conn = await Connection.open(broker, this.config);
      } catch (error) {
        lastError = error;
        continue;
      }
      try {
        if (this.config.sasl) await authenticate(conn, this.config.sasl);
        return await work(conn);
      } finally {
        conn.close();
      }
    }
    throw lastError;
  }
}
