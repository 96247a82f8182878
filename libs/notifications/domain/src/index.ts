export * from './settings/district-settings';
export * from './time/local-time';
export * from './rules/notification.types';
export * from './rules/address';
export * from './rules/notification.rules';
export * from './templates/templates';
export * from './templates/sample-payloads';
