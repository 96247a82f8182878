export type ConsentMode = 'opt_in' | 'opt_out';
