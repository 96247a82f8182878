export const CLOCK = Symbol.for('tutoring.notifications.Clock');
export type Clock = () => Date;
