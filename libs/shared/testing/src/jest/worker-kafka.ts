// Each Jest worker of an int or e2e run talks to its own broker when global setup started one per worker (see
// global-setup.ts): KAFKA_BROKERS, read by every suite and passed to the services it starts, becomes this worker's.
const own = process.env[`KAFKA_BROKERS_WORKER_${process.env['JEST_WORKER_ID'] ?? '1'}`];
if (own) process.env['KAFKA_BROKERS'] = own;
