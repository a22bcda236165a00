/** `$emergency-health-card` read for the portal (pure): the QR, its text and the signed summary in words. */
import { param } from '../../clinic/reception/parameters.ts';
import { str, topOf, topValue } from '../parts.ts';

type Json = Record<string, unknown>;
type Coded = { text?: string; coding?: { code?: string }[] };

export interface HealthCardView {
  qr: string;
  qrSvg: string;
  issuedAt?: string;
  issuer?: string;
  name: string;
  birthDate?: string;
  allergies: string[];
  drugs: { text: string; riskClass?: string }[];
  diagnoses: string[];
  infections: { text: string; result?: string }[];
}

const textOf = (c: Coded | undefined) => c?.text ?? c?.coding?.[0]?.code ?? '—';

export function healthCardOf(body: unknown): HealthCardView | undefined {
  const qr = str(topValue(body, 'qr'));
  const qrSvg = str(topValue(body, 'qrSvg'));
  if (!qr || !qrSvg || !qr.startsWith('shc:/')) return undefined;
  const bundle = (param(topOf(body), 'summary') as { resource?: Json } | undefined)?.resource;
  const resources = ((bundle?.entry as { resource?: Json }[] | undefined) ?? []).map((e) => e.resource ?? {});
  const of = (type: string) => resources.filter((r) => r.resourceType === type);
  const patient = of('Patient')[0];
  const names = (patient?.name as { text?: string }[] | undefined) ?? [];
  return {
    qr,
    qrSvg,
    issuedAt: str(topValue(body, 'issuedAt')),
    issuer: str(topValue(body, 'issuer')),
    name: names[0]?.text ?? '—',
    birthDate: str(patient?.birthDate),
    allergies: of('AllergyIntolerance').map((r) => textOf(r.code as Coded)),
    drugs: of('MedicationStatement').map((r) => ({
      text: textOf(r.medicationCodeableConcept as Coded),
      riskClass: str((r.category as Coded | undefined)?.text),
    })),
    diagnoses: of('Condition').map((r) => textOf(r.code as Coded)),
    infections: of('Observation').map((r) => ({ text: textOf(r.code as Coded), result: str(r.valueString) })),
  };
}

/** The QR image as a data URL (an <img> never runs what an SVG might carry). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(bin)}`;
}
