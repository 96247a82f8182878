export { compile } from './compile';
export * from './service-catalogue';
export * from './service-process';
export * from './stack';
