/** Requirements are one calculation parametrised by kind: initial ≥ maintenance. */
export type RequirementKind = 'initial' | 'maintenance';
