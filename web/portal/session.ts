/** The signed-in person's Patient id (the SMART `patient` of the token). */
import type { Session } from '../shared/pkce.ts';

export const patientOf = (s: Session): string => s.patient ?? s.user.patientId ?? s.user.id;
