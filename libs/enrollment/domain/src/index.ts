export * from './vendors/vendor.decider';
export * from './organisation/local-date';
export * from './organisation/organisation.rules';
export * from './roster/csv';
export * from './roster/oneroster.spec';
export * from './roster/roster.check';
export * from './roster/student-records';
