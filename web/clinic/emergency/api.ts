/**
 * The emergency screens' calls (POST /fhir/$name with a Parameters body; the review list by GET): `$emergency-access`,
 * `$emergency-view`, `$end-emergency-access`, `$emergency-reviews`, `$review-emergency-access`. A refusal is an
 * ApiError carrying the service's Japanese message (shared/errors.ts).
 */
import { fhir } from '../../shared/api.ts';
import { type Access, accessesOf, type Declared, declaredOf, type EssentialView, essentialViewOf, type ReviewState } from './model.ts';
import type { ReasonCode } from './labels.ts';
import { ApiError, MESSAGES } from '../../shared/errors.ts';

interface Param {
  name: string;
  [value: string]: unknown;
}

/** How the person is identified: the card's certificate read without the PIN, or 氏名・生年月日・性別 (+ 郵便番号). */
export type Identification =
  | { by: 'card'; certificate: string }
  | { by: 'demographics'; name: string; birthDate: string; sex: string; postalCode?: string; patient?: string };

export interface Declaration {
  reason: ReasonCode;
  reasonText: string;
  hours: number;
  who: Identification;
}

const body = (parameter: Param[]) => ({ resourceType: 'Parameters', parameter });
const str = (name: string, v: string | undefined): Param[] => (v ? [{ name, valueString: v }] : []);

/** The Parameters of a declaration (pure: tested without a server). */
export function declarationBody(d: Declaration) {
  const who: Param[] =
    d.who.by === 'card'
      ? [{ name: 'certificate', valueString: d.who.certificate }]
      : [
          { name: 'name', valueString: d.who.name },
          { name: 'birthDate', valueDate: d.who.birthDate },
          { name: 'sex', valueCode: d.who.sex },
          ...str('postalCode', d.who.postalCode),
          ...str('patient', d.who.patient),
        ];
  return body([{ name: 'reason', valueCode: d.reason }, ...str('reasonText', d.reasonText.trim()), { name: 'hours', valueInteger: d.hours }, ...who]);
}

const post = (op: string, parameter: Param[]) => fhir(`$${op}`, { method: 'POST', body: body(parameter) });

export const declareEmergency = async (d: Declaration): Promise<Declared> =>
  declaredOf(await fhir('$emergency-access', { method: 'POST', body: declarationBody(d) }));

export async function viewEmergency(access: string): Promise<EssentialView> {
  const view = essentialViewOf(await post('emergency-view', [{ name: 'access', valueString: access }]));
  if (!view) throw new ApiError(200, MESSAGES.badAnswer);
  return view;
}

function oneAccess(answer: unknown): Access {
  const a = accessesOf(answer)[0];
  if (!a) throw new ApiError(200, MESSAGES.badAnswer);
  return a;
}

export const endEmergency = async (access: string): Promise<Access> => oneAccess(await post('end-emergency-access', [{ name: 'access', valueString: access }]));

export async function emergencyReviews(filter: { state?: ReviewState; from?: string }): Promise<Access[]> {
  const q = new URLSearchParams();
  if (filter.state) q.set('state', filter.state);
  if (filter.from) q.set('from', filter.from);
  const qs = q.toString();
  return accessesOf(await fhir(`$emergency-reviews${qs ? `?${qs}` : ''}`));
}

export const reviewEmergency = async (access: string, decision: 'confirmed' | 'flagged', note: string): Promise<Access> =>
  oneAccess(
    await post('review-emergency-access', [{ name: 'access', valueString: access }, { name: 'decision', valueCode: decision }, ...str('note', note.trim())]),
  );
