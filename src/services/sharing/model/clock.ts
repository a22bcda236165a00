/** The service's time (retention, letter erasure, holds): injectable so tests can move it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
