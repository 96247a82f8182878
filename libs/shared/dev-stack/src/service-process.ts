import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { reapOnExit } from '@tutoring/shared/local-infra';
import { ServiceDescriptor } from './service-catalogue';

export interface ServiceProcessOptions {
  root: string;
  descriptor: ServiceDescriptor;
  port: number;
  env: Record<string, string>;
  /** Where the service's JSON log lines go (one file per service); also passed line by line to onLine. */
  logDir: string;
  onLine?: (service: string, line: string) => void;
  /** See StackOptions.compiledRoot. */
  compiledRoot?: string;
}

export interface Readiness {
  status: number;
  body: unknown;
}

/** A service run as a real OS process, exactly as district IT would run it (same entry, env-only config). */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private log: WriteStream | null = null;
  private exitPromise: Promise<number | null> = Promise.resolve(null);
  readonly url: string;

  constructor(private readonly options: ServiceProcessOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  get name(): string {
    return this.options.descriptor.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const { root, descriptor, port, env, logDir, onLine } = this.options;
    mkdirSync(logDir, { recursive: true });
    this.log = createWriteStream(join(logDir, `${descriptor.name}.log`), { flags: 'a' });
    const { compiledRoot } = this.options;
    const args = compiledRoot
      ? [join(compiledRoot, descriptor.entry.replace(/\.ts$/, '.js'))]
      : ['-r', join(root, 'tools', 'register.js'), join(root, descriptor.entry)];
    const child = spawn(process.execPath, args, {
      cwd: compiledRoot ?? root, // the image's working directory is its compiled tree
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal Ctrl-C reaches only the launcher, which then stops each service with one
      // SIGTERM (a second signal would force the service out mid-batch).
      detached: true,
    });
    reapOnExit(child);
    child.ref();
    this.child = child;
    this.exitPromise = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const pipe = (stream: NodeJS.ReadableStream | null) => {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        this.log?.write(chunk);
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) onLine?.(descriptor.name, line);
      });
    };
    pipe(child.stdout);
    pipe(child.stderr);
  }

  async readiness(): Promise<Readiness> {
    try {
      const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: await res.json().catch(() => null) };
    } catch (error) {
      return { status: 0, body: String(error) };
    }
  }

  async waitReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: Readiness = { status: 0, body: null };
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited with code ${this.child?.exitCode} before it was ready`);
      last = await this.readiness();
      if (last.status === 200) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms: ${JSON.stringify(last)}`);
  }

  /** Graceful stop (SIGTERM): the service finishes its batch, commits and leaves its consumer groups. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (!this.child || !this.running) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    const code = await this.exitPromise;
    clearTimeout(timer);
    this.log?.end();
    return code;
  }

  /** Crash (SIGKILL): nothing gets to clean up. */
  async kill(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill('SIGKILL');
    await this.exitPromise;
    this.log?.end();
  }

  exited(): Promise<number | null> {
    return this.exitPromise;
  }
}
