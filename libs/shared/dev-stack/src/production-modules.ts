// The image's runtime stage holds the compiled tree and the node_modules of `npm ci --omit=dev` (Dockerfile), nothing
// else. To run the services as it does without Docker, the production packages already installed in the repository
// are linked into a directory outside it, where Node's module resolution cannot climb back into the repository's
// node_modules and find a development package that the image would not have.
import { copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from './compile';

interface LockFile {
  packages: Record<string, { dev?: boolean; optional?: boolean }>;
}

/**
 * The top-level packages `npm ci --omit=dev` installs, from the lock file: every `node_modules/<name>` entry not marked
 * `dev` (nested ones live inside their parent's directory). Optional packages of other platforms are listed too;
 * callers keep those that are installed.
 */
export const productionPackages = (lock: LockFile): string[] =>
  Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && entry.dev !== true)
    .map(([path]) => path.slice('node_modules/'.length))
    .sort();

/** Hard-links (copies across file systems) a directory tree; symbolic links are recreated as they are. */
const linkTree = (from: string, to: string): void => {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else
      try {
        linkSync(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        copyFileSync(source, target);
      }
  }
};

/**
 * Gives `target` a node_modules holding exactly the installed production packages of the repository at `root` (per its
 * package-lock.json), as the image's runtime stage does. Returns the packages linked. `target` should lie outside
 * `root`, or resolution would still reach the repository's own node_modules.
 */
export const linkProductionModules = (root: string, target: string): string[] => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as LockFile;
  const installed = new Set(readdirSync(join(root, 'node_modules')).flatMap((name) => scopedNames(root, name)));
  const linked = productionPackages(lock).filter((name) => installed.has(name));
  for (const name of linked) linkTree(join(root, 'node_modules', name), join(target, 'node_modules', name));
  return linked;
};

const scopedNames = (root: string, name: string): string[] =>
  name.startsWith('@') ? readdirSync(join(root, 'node_modules', name)).map((inner) => `${name}/${inner}`) : [name];

/**
 * `dir` as the image's /app: the sources compiled to JavaScript (`compile`), the production node_modules and
 * package.json. `dir` must lie outside `root` (see linkProductionModules).
 */
export const buildImageTree = (root: string, dir: string): { files: number; packages: number } => {
  const files = compile(dir);
  const packages = linkProductionModules(root, dir).length;
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  return { files, packages };
};
