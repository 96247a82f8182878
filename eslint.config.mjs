// Lint is part of the test command. The module-boundary rule is what keeps the architecture honest:
// every Nx project is tagged scope:<context> and type:<layer>, and there is deliberately no "* -> *" wildcard.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

export const depConstraints = [
  // layers
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:application', 'type:infrastructure', 'type:domain', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:application', onlyDependOnLibsWithTags: ['type:application', 'type:infrastructure', 'type:domain', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:infrastructure', onlyDependOnLibsWithTags: ['type:infrastructure', 'type:domain', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:dev-infra', onlyDependOnLibsWithTags: ['type:dev-infra', 'type:util'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:dev-infra', 'type:infrastructure', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:dev-infra', 'type:contracts', 'type:util', 'type:infrastructure', 'type:app'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:testing', 'type:dev-infra', 'type:infrastructure', 'type:contracts', 'type:util'] },
  // bounded contexts: a context sees only itself and shared
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:enrollment', onlyDependOnLibsWithTags: ['scope:enrollment', 'scope:shared'] },
  { sourceTag: 'scope:scheduling', onlyDependOnLibsWithTags: ['scope:scheduling', 'scope:shared'] },
  { sourceTag: 'scope:session-ledger', onlyDependOnLibsWithTags: ['scope:session-ledger', 'scope:shared'] },
  { sourceTag: 'scope:outcomes-contracting', onlyDependOnLibsWithTags: ['scope:outcomes-contracting', 'scope:shared'] },
  { sourceTag: 'scope:notifications', onlyDependOnLibsWithTags: ['scope:notifications', 'scope:shared'] },
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'scope:enrollment', 'scope:scheduling', 'scope:session-ledger', 'scope:outcomes-contracting', 'scope:notifications'] },
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared'] },
  // benchmarks drive one context's real code against its baseline
  { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['scope:shared', 'scope:session-ledger'] },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.cache/**', 'tmp/**', '.nx/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Tests of any layer may use the test infrastructure (real servers, builders); production code may not.
    files: ['**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: depConstraints.map((c) =>
            c.sourceTag.startsWith('type:') ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing', 'type:dev-infra'] } : c,
          ),
        },
      ],
    },
  },
  {
    // Domain code is pure: no clock, no randomness, no frameworks. So is the shared time lib the domains import.
    files: ['libs/*/domain/**/*.ts', 'libs/shared/time/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'node:crypto'] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Time comes in through the command.' }],
    },
  },
  {
    files: ['tools/**/*.ts', '**/*.spec.ts', 'libs/shared/testing/**/*.ts', 'libs/shared/local-infra/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
