/**
 * `$disaster-view` (災害時の閲覧): while a disaster is declared for the caller's prefecture, a facility or pharmacy
 * there (staff who may view shared information) or a medical team deployed there identifies a person by 氏名 and
 * 生年月日 (性別 optional; two or three matches are shown as candidates to choose from) and sees, without consent,
 * diagnoses, allergies and drug contraindications, infections and ~6 months of medication — nothing else. Outside a
 * declared disaster, or outside its prefectures, 403. Each view is recorded as an access (the person's notice, the
 * facility's review list, the operator's report) and audited with purpose DISASTER.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { withDisasterPurpose } from '../../../platform/http/request-context.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { disasterViewer } from '../access/caller.ts';
import { accessBasis, auditCandidates, identifyAudited, openAccess } from '../access/declare.ts';
import { identificationInput } from '../access/input.ts';
import { prefectureName } from '../../../platform/identity/prefectures.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';
import { accessParameter, essentialParameters } from '../view/essential-parameters.ts';
import { essentialSet } from '../view/essential-set.ts';
import { candidateParameters } from '../view/candidates.ts';
import { disasterFor, disasterParameter } from './disasters.ts';

export async function disasterView(rt: EmergencyRuntime, baseCtx: RequestContext, input: ParamReader): Promise<OutParam[]> {
  const org = disasterViewer(baseCtx);
  const ctx = withDisasterPurpose(baseCtx);
  const now = rt.clock();
  const disaster = await disasterFor(rt.platform.db, org.prefecture, now);
  if (!disaster)
    throw await rt.platform.repo.deny(
      ctx,
      'disaster-view',
      '',
      '',
      `${prefectureName(org.prefecture)}には現在、災害時の閲覧が宣言されていません`,
      `no disaster is declared for prefecture ${org.prefecture} now`,
    );
  const who = identificationInput(input, { needSex: false, allowCard: false });
  const found = await identifyAudited(rt, ctx, 'disaster-view', who);
  if (!found.identified) {
    await auditCandidates(rt, ctx, 'disaster-view', found.candidates, `shown as a candidate in the disaster view (${disaster.name})`);
    return [disasterParameter(disaster, now), ...candidateParameters(found.candidates)];
  }
  const reason = { code: 'other' as const, text: `災害: ${disaster.name}`, display: `災害時の閲覧（${disaster.name}）` };
  const access = await openAccess(rt, ctx, {
    org,
    mode: 'disaster',
    patientId: found.patientId,
    by: found.by,
    reason,
    until: now,
    disasterId: disaster.disaster_id,
  });
  const set = await essentialSet(rt, found.patientId, 'disaster');
  await rt.platform.readAudit.write([
    rt.platform.repo.auditRecord(ctx, 'R', 'disaster-view', '0', found.patientId, set.refs.length ? set.refs : [`Patient/${found.patientId}`], {
      basis: accessBasis('disaster', access.access_id),
    }),
  ]);
  return [disasterParameter(disaster, now), accessParameter(access), ...essentialParameters(set)];
}
