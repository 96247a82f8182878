export { compile } from './compile';
export * from './production-modules';
export * from './service-catalogue';
export * from './service-process';
export * from './stack';
