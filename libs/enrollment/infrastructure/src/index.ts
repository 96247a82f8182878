export * from './migrations/1700000000001-vendors.migration';
export * from './vendors/vendor.repository';
