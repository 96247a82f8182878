export * from './vendors/vendor.decider';
