// Runs TypeScript sources directly (services, dev tools) with SWC, resolving the tsconfig path aliases.
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || require('node:path').join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
