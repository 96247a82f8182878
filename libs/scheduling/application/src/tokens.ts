import { DATA_SOURCE } from '@tutoring/shared/runtime';

/** The runtime's data source (runtime role; every query inside inTenantTransaction). */
export const SCHEDULING_DATA_SOURCE = DATA_SOURCE;
