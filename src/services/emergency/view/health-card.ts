/**
 * `$emergency-health-card` (救急用サマリーの発行): the person's emergency summary — allergies, current drugs, diagnoses,
 * infections — as a SMART Health Card (health-card/): the patient issues their own (portal, printable); a facility
 * issues it for a patient who consented there to both reader groups (the summary holds data of both). The issue is
 * audited; the card verifies offline against `[issuer]/.well-known/jwks.json`.
 */
import { ownerKey, type RequestContext } from '../../../platform/auth/principal.ts';
import { normalizePublicUrl } from '../../../platform/auth/token-audience.ts';
import { forbidden } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { emergencySummaryBundle, issueHealthCard, type EmergencySummary } from '../health-card/index.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';
import { essentialSet, type ClinicalEntry } from './essential-set.ts';

type Json = Record<string, unknown>;
type Coded = { coding?: { system?: string; code?: string; display?: string }[]; text?: string };

/** The issuer URL: the public URL when set, else the origin the request came to; keys at `${issuer}/.well-known/jwks.json`. */
export function issuerOf(rt: EmergencyRuntime, fhirBase: string): string {
  const root = rt.platform.config.publicUrl ? normalizePublicUrl(rt.platform.config.publicUrl) : fhirBase.replace(/\/fhir\/?$/, '');
  return `${root}/shc`;
}

const textOf = (c: Coded | undefined) => c?.text ?? c?.coding?.find((x) => x.display)?.display ?? c?.coding?.[0]?.code ?? '';
const codingOf = (c: Coded | undefined) => {
  const x = c?.coding?.find((k) => k.system && k.code);
  return x ? { coding: { system: x.system!, code: x.code! } } : {};
};

function personOf(patient: Json | undefined): EmergencySummary['patient'] {
  const names = (patient?.name as { text?: string; family?: string; given?: string[]; extension?: { valueCode?: string }[] }[] | undefined) ?? [];
  const ideographic = names.find((n) => n.extension?.some((e) => e.valueCode === 'IDE')) ?? names[0];
  const kana = names.find((n) => n.extension?.some((e) => e.valueCode === 'SYL'));
  const full = (n?: { text?: string; family?: string; given?: string[] }) => n?.text ?? [n?.family, ...(n?.given ?? [])].filter(Boolean).join(' ');
  return {
    name: full(ideographic),
    ...(kana && kana !== ideographic ? { kana: full(kana) } : {}),
    birthDate: String(patient?.birthDate ?? ''),
    gender: (patient?.gender as EmergencySummary['patient']['gender']) ?? 'unknown',
  };
}

function infectionResult(r: Json): string {
  const v = r.valueCodeableConcept as Coded | undefined;
  if (v) return textOf(v);
  if (typeof r.valueString === 'string') return r.valueString;
  const q = r.valueQuantity as { value?: number; unit?: string } | undefined;
  if (q?.value !== undefined) return `${q.value}${q.unit ?? ''}`;
  return textOf((r.interpretation as Coded[] | undefined)?.[0]);
}

export function summaryOf(set: Awaited<ReturnType<typeof essentialSet>>): EmergencySummary {
  const res = (e: ClinicalEntry) => e.resource;
  return {
    patient: personOf(set.patient),
    allergies: set.allergies.map(res).map((r) => ({
      text: textOf(r.code as Coded),
      ...codingOf(r.code as Coded),
      ...(r.criticality ? { criticality: r.criticality as 'high' | 'low' | 'unable-to-assess' } : {}),
      ...(r.recordedDate ? { recorded: String(r.recordedDate).slice(0, 10) } : {}),
    })),
    drugs: set.drugs
      .filter((d) => d.current)
      .map((d) => ({ text: d.name, ...(d.code ? { coding: d.code } : {}), date: d.date, ...(d.riskClass ? { riskClass: d.riskClass.ja } : {}) })),
    diagnoses: set.diagnoses.map(res).map((r) => ({
      text: textOf(r.code as Coded),
      ...codingOf(r.code as Coded),
      ...(r.onsetDateTime ? { onset: String(r.onsetDateTime).slice(0, 10) } : {}),
    })),
    infections: set.infections.map(res).map((r) => ({
      text: textOf(r.code as Coded),
      ...codingOf(r.code as Coded),
      result: infectionResult(r),
      ...(r.effectiveDateTime ? { date: String(r.effectiveDateTime).slice(0, 10) } : {}),
    })),
  };
}

async function patientOf(rt: EmergencyRuntime, ctx: RequestContext, input: ParamReader): Promise<string> {
  const named = input
    .string('patient')
    ?.trim()
    .replace(/^Patient\//, '');
  const p = ctx.principal;
  if (p.kind === 'patient') {
    if (named !== undefined && named !== p.patientId)
      throw await rt.platform.repo.hide(
        ctx,
        'emergency-health-card',
        isValidId(named) ? named : '',
        `Patient/${isValidId(named) ? named : 'invalid'}`,
        "a patient asked for another person's card",
      );
    return p.patientId!;
  }
  if ((p.kind === 'facility' || p.kind === 'pharmacy') && p.facilityCode) {
    if (!named || !isValidId(named)) throw forbidden('発行する患者（patient）を指定してください', 'name the patient');
    const grantee = ownerKey(p);
    for (const category of ['medication', 'surgery'] as const) {
      const answer = await rt.platform.consent.decide({ patientId: named, grantee, category, at: rt.clock() });
      if (!answer.allow)
        throw await rt.platform.repo.deny(
          ctx,
          'emergency-health-card',
          named,
          `Patient/${named}`,
          `救急用サマリーの発行には本人の同意が必要です: ${answer.ja}`,
          answer.en,
        );
    }
    return named;
  }
  throw forbidden('救急用サマリーを発行できるのは本人と、同意を得た医療機関・薬局です', 'the summary is issued by the patient or a facility with consent');
}

export async function issueEmergencyCard(rt: EmergencyRuntime, ctx: RequestContext, input: ParamReader, fhirBase: string): Promise<OutParam[]> {
  const patientId = await patientOf(rt, ctx, input);
  const set = await essentialSet(rt, patientId, 'emergency');
  const summary = summaryOf(set);
  const issuer = issuerOf(rt, fhirBase);
  const card = await issueHealthCard(rt.signer, { issuer, summary, now: rt.clock() });
  const refs = [
    `Patient/${patientId}`,
    ...set.allergies.map((e) => e.ref),
    ...set.diagnoses.map((e) => e.ref),
    ...set.infections.map((e) => e.ref),
    ...set.drugs.filter((d) => d.current && d.ref).map((d) => d.ref!),
  ];
  await rt.platform.readAudit.write([
    rt.platform.repo.auditRecord(ctx, 'R', 'emergency-health-card', '0', patientId, refs, { basis: ctx.principal.kind === 'patient' ? 'patient' : 'consent' }),
  ]);
  return [
    { name: 'jws', valueString: card.jws },
    { name: 'qr', valueString: card.qr },
    { name: 'qrSvg', valueString: card.qrSvg },
    { name: 'qrVersion', valueInteger: card.qrVersion },
    { name: 'issuer', valueUri: issuer },
    { name: 'issuedAt', valueInstant: card.issuedAt.toISOString() },
    { name: 'summary', resource: emergencySummaryBundle(summary) },
  ];
}
