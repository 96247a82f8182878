// Compiles the TypeScript that runs in the container (apps/, libs/, tools/dev/) to CommonJS JavaScript in a copy of
// the tree: `npm run build` (dist/) or `node libs/shared/dev-stack/src/compile.js <outDir>`, then
// `node <outDir>/apps/<service>/src/main.js`. Plain JavaScript, so the image's build stage runs it without SWC's hook.
// Same SWC options as Jest (decorators with their metadata for Nest's injection), and the tsconfig path aliases
// rewritten to relative paths at build time, so the compiled services need neither SWC nor TypeScript at runtime
// (docs/adr/0029-container-runs-precompiled-javascript.md). Tests and their child-process fixtures are not compiled.
'use strict';
const { mkdirSync, readdirSync, writeFileSync } = require('node:fs');
const { basename, dirname, join, relative, resolve } = require('node:path');
const { transformFileSync } = require('@swc/core');

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const SOURCES = ['apps', 'libs', join('tools', 'dev')];
// The test tiers of jest.config.js and their child-process fixtures; a module merely named *.spec.ts (the OneRoster
// specification in enrollment's domain) is code and ships.
const SKIPPED = /\.(unit|int|e2e)\.spec\.ts$|\.child\.ts$|\.d\.ts$/;

/** Every .ts file to compile under `dir`, depth first, in a stable order. */
const sourcesUnder = (dir) =>
  readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourcesUnder(path);
      return entry.name.endsWith('.ts') && !SKIPPED.test(entry.name) ? [path] : [];
    });

const swcOptions = (file) => ({
  filename: file,
  swcrc: false,
  configFile: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
    baseUrl: ROOT,
    paths: require(join(ROOT, 'tsconfig.base.json')).compilerOptions.paths,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
});

/** Compiles into `outDir` (absolute or relative to the repository); returns the number of files written. */
const compile = (outDir = join(ROOT, 'dist')) => {
  const out = resolve(ROOT, outDir);
  let n = 0;
  for (const source of SOURCES.flatMap((dir) => sourcesUnder(join(ROOT, dir)))) {
    const target = join(out, relative(ROOT, source)).replace(/\.ts$/, '.js');
    const { code, map } = transformFileSync(source, swcOptions(source));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${basename(target)}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
    n++;
  }
  return n;
};

module.exports = { compile };

if (require.main === module) {
  const outDir = process.argv[2] ?? 'dist';
  const started = Date.now();
  const n = compile(outDir);
  process.stdout.write(`compiled ${n} files into ${resolve(ROOT, outDir)} in ${Date.now() - started} ms\n`);
}
