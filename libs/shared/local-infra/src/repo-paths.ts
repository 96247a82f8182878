import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Walks up from `start` to the folder holding nx.json: the repo root, wherever the caller was started from. */
export function findRepoRoot(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No nx.json found above ${start}: cannot locate the repository root`);
    dir = parent;
  }
}

/** `<repo>/.cache/...`: git-ignored, survives between runs so jars and dev data are reused. */
export function cachePath(...segments: string[]): string {
  return join(findRepoRoot(), '.cache', ...segments);
}
