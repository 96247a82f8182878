import { ChildProcess, spawn } from 'node:child_process';

// Servers we start (Java, postgres) must never outlive the Node process that started them, whatever way it ends.
const children = new Set<ChildProcess>();
let hooksInstalled = false;

function killAllNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // A host with its own handler (the infra CLI, Nest, jest) shuts down gracefully itself; the exit hook is the
  // backstop. Without one, behave like the default action: kill the children, then die by the same signal.
  if (process.listenerCount(signal) > 0) return;
  killAllNow();
  process.kill(process.pid, signal);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, onSignal);
  }
}

/**
 * Registers a child so it is SIGKILLed when this process exits or is signalled. A detached shell watchdog also
 * kills it if this process dies by SIGKILL (no exit hook runs then), e.g. when CI kills a hung jest.
 */
export function reapOnExit(child: ChildProcess): void {
  installHooks();
  // A forgotten server must not keep Node alive (jest would hang); the exit hook still kills it.
  child.unref();
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (child.pid !== undefined) startWatchdog(process.pid, child.pid);
}

function startWatchdog(parentPid: number, childPid: number): void {
  const script = `while kill -0 ${parentPid} 2>/dev/null && kill -0 ${childPid} 2>/dev/null; do sleep 1; done; kill -9 ${childPid} 2>/dev/null; exit 0`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
}

/** Resolves when the child has exited (immediately if it already has). */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once('exit', () => resolveExit()));
}
