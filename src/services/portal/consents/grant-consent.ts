/**
 * $grant-consent: 「同意する」 in the portal — the person permits an open facility or pharmacy of the directory to view
 * categories until a day they choose (today .. today + 365, Japan time; valid to the end of that day). Each category is
 * one Consent (policy `portal`) recorded by the consent capability, which replaces an earlier active choice of the same
 * category there and opens the grant (unless a hold placed later stops it — it does not: the consent is newer).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { isConsentCategory, type ConsentCategory } from '../../../platform/consent/categories.ts';
import { badRequest, FhirError, unprocessable } from '../../../platform/fhir/errors.ts';
import { checkFacilityCodeShape } from '../../../platform/identity/facility-code.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { directoryNames } from '../model/names.ts';
import type { PortalRuntime } from '../model/runtime.ts';
import { consentParam } from './my-consents.ts';

/** Days ahead a portal consent may last. */
export const MAX_GRANT_DAYS = 365;
const DAY_MS = 86_400_000;

export interface GrantInput {
  facility: string;
  categories: ConsentCategory[];
  /** YYYY-MM-DD, the last day of validity. */
  until: string;
}

/** The checked input, or a 400 naming the parameter. */
export function grantInput(input: ParamReader, now: Date): GrantInput {
  const facility = input.requiredString('facility', '医療機関コード').normalize('NFKC').trim();
  const shape = checkFacilityCodeShape(facility);
  if (shape) throw badRequest(shape.ja, shape.en, [input.path('facility')]);
  const categories = [...new Set(input.strings('category').flatMap((c) => c.split(',').map((x) => x.trim())))].filter(Boolean);
  if (categories.length === 0) throw badRequest('同意区分（category）を指定してください', 'category is required', [input.path('category')]);
  for (const c of categories)
    if (!isConsentCategory(c))
      throw badRequest(`同意区分 ${c} は medication・surgery・checkup のいずれかです`, `category must be medication, surgery or checkup (got ${c})`, [
        input.path('category'),
      ]);
  const until = input.requiredString('until', '有効期限').trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(until);
  const parsed = day ? new Date(`${until}T00:00:00Z`) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== until)
    throw badRequest(`有効期限 ${until} は YYYY-MM-DD 形式の日付です`, `until must be a date YYYY-MM-DD (got ${until})`, [input.path('until')]);
  const today = japanDate(now);
  const last = japanDate(new Date(now.getTime() + MAX_GRANT_DAYS * DAY_MS));
  if (until < today || until > last)
    throw badRequest(
      `有効期限は今日（${today}）から ${last} までの日付です`,
      `until must be from today (${today}) to ${last} (at most ${MAX_GRANT_DAYS} days ahead)`,
      [input.path('until')],
    );
  return { facility, categories: categories as ConsentCategory[], until };
}

/** The end of a Japan calendar day (the next day's 00:00 JST). */
const endOfJapanDay = (day: string) => new Date(new Date(`${day}T00:00:00+09:00`).getTime() + DAY_MS);

export async function grantConsent(rt: PortalRuntime, ctx: RequestContext, patientId: string, g: GrantInput): Promise<OutParam[]> {
  const f = await rt.platform.facilities.get(g.facility);
  if (!f || (f.kind !== 'facility' && f.kind !== 'pharmacy'))
    throw FhirError.of(
      404,
      'not-found',
      `医療機関コード ${g.facility} の医療機関・薬局は施設名簿にありません`,
      `no facility or pharmacy ${g.facility} in the facility directory`,
      ['Parameters.facility'],
    );
  if (!f.active)
    throw unprocessable(`${f.name}（${f.code}）は廃止・休止中のため同意できません`, `${f.code} is closed in the facility directory`, ['Parameters.facility']);
  const now = rt.clock();
  const validTo = endOfJapanDay(g.until);
  const recorded = await rt.platform.repo.transaction(
    async (session) => {
      const ids: string[] = [];
      for (const category of g.categories) {
        const r = await rt.platform.consent.record(session, ctx, {
          patientId,
          recipient: { kind: f.kind as 'facility' | 'pharmacy', code: f.code, name: f.name },
          category,
          decision: 'permit',
          validFrom: now,
          validTo,
          policy: 'portal',
        });
        ids.push(r.consentId);
      }
      return ids;
    },
    { trusted: true },
  );
  const listed = (await rt.platform.consent.list(patientId, now)).consents.filter((c) => recorded.includes(c.consentId));
  const nameOf = directoryNames(rt);
  return Promise.all(listed.map((c) => consentParam(c, nameOf)));
}
