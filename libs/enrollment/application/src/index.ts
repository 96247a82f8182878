export * from './enrollment.module';
