/**
 * `$ambulance-lookup` (救急隊による照会, live nationally since Oct 2025): an ambulance crew reads the card of the person
 * it carries (the certificate, without the PIN) and gets, in the emergency scope only, the eligibility in force
 * (保険者番号, 本人/家族, 負担割合, 限度額適用区分, 特定疾病) and ~6 months of medication (receipt-based dispensings and
 * e-prescription records). No clinical items, letters or check-ups; the crew's client kind reads nothing through the
 * generic API (it has no grant). The lookup is recorded, notified to the person and audited with purpose ETREAT.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { unprocessable } from '../../../platform/fhir/errors.ts';
import { withEmergencyPurpose } from '../../../platform/http/request-context.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { LIMIT_CATEGORIES, SPECIFIC_DISEASES, eligibilityRecordsOf } from '../../eligibility/index.ts';
import { ambulanceCrew } from '../access/caller.ts';
import { accessBasis, identifyAudited, openAccess } from '../access/declare.ts';
import { identificationInput, reasonInput } from '../access/input.ts';
import { japanDay } from '../model/japan-time.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';
import { accessParameter, essentialParameters } from '../view/essential-parameters.ts';
import { essentialSet } from '../view/essential-set.ts';

export async function ambulanceLookup(rt: EmergencyRuntime, baseCtx: RequestContext, input: ParamReader): Promise<OutParam[]> {
  const org = ambulanceCrew(baseCtx);
  const ctx = withEmergencyPurpose(baseCtx);
  const reason = reasonInput(input);
  const who = identificationInput(input, { needSex: true, allowCard: true });
  const found = await identifyAudited(rt, ctx, 'ambulance-lookup', { ...who, chosen: undefined });
  if (!found.identified) {
    // Crews identify by the card; a name search must give exactly one person (no candidate list leaves the platform).
    await rt.platform.readAudit.write([rt.platform.repo.auditRecord(ctx, 'E', 'ambulance-lookup', '4', '', [], { outcomeDesc: 'several people match' })]);
    throw unprocessable('一致する方が複数います。カードを読み取ってください', 'several people match: read the card');
  }
  const now = rt.clock();
  const access = await openAccess(rt, ctx, { org, mode: 'ambulance', patientId: found.patientId, by: found.by, reason, until: now });
  const set = await essentialSet(rt, found.patientId, 'ambulance');
  const today = japanDay(now);
  const records = (await eligibilityRecordsOf(rt.platform.db, found.patientId)).filter((r) => r.acquiredOn <= today && (!r.lostOn || r.lostOn > today));
  await rt.platform.readAudit.write([
    rt.platform.repo.auditRecord(ctx, 'R', 'ambulance-lookup', '0', found.patientId, set.refs.length ? set.refs : [`Patient/${found.patientId}`], {
      basis: accessBasis('ambulance', access.access_id),
    }),
  ]);
  const eligibility: OutParam[] = records.map((r) => ({
    name: 'eligibility',
    part: [
      { name: 'insurerNumber', valueString: r.insurerNumber },
      { name: 'relationship', valueCode: r.relationship },
      { name: 'copayRatio', valueInteger: (r.elderly?.copayRatio ?? r.copayRatio) * 10 },
      { name: 'validFrom', valueDate: r.acquiredOn },
      ...(r.limitCategory ? [{ name: 'limitCategory', valueString: LIMIT_CATEGORIES[r.limitCategory].ja }] : []),
      ...r.specificDiseases.map((d) => ({ name: 'specificDisease', valueString: SPECIFIC_DISEASES[d.code].ja })),
    ],
  }));
  return [accessParameter(access), { name: 'eligible', valueBoolean: records.length > 0 }, ...eligibility, ...essentialParameters(set)];
}
