/** A year of 365.25 days in milliseconds: options' time to expiry is measured in these years. */
export const yearMs = 365.25 * 24 * 60 * 60 * 1000;
