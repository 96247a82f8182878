// @ts-check
// Three tiers, named by suffix: *.unit.spec.ts (pure, no I/O), *.int.spec.ts (real Postgres and/or Kafka),
// *.e2e.spec.ts (services driven from outside as a vendor or finance client would).

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const paths = require('./tsconfig.base.json').compilerOptions.paths;
const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  // jose 6 ships only as ES modules: let SWC turn it into CommonJS for Jest.
  transform: { '^.+\\.ts$': swc, '^.+/node_modules/jose/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/test'],
  setupFiles: ['reflect-metadata'],
};

/** @type {import('jest').Config} */
const config = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['**/*.int.spec.ts'],
      globalSetup: '<rootDir>/libs/shared/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/shared/testing/src/jest/global-teardown.ts',
      setupFiles: [...common.setupFiles, '<rootDir>/libs/shared/testing/src/jest/worker-kafka.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/shared/testing/src/jest/slow-tier-timeout.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['**/*.e2e.spec.ts'],
      globalSetup: '<rootDir>/libs/shared/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/shared/testing/src/jest/global-teardown.ts',
      setupFiles: [...common.setupFiles, '<rootDir>/libs/shared/testing/src/jest/worker-kafka.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/shared/testing/src/jest/slow-tier-timeout.ts'],
    },
  ],
};

module.exports = config;
