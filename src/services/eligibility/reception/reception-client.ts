/**
 * The clinic side of reception (what a 資格確認端末 does): ask the platform for a challenge, have the card
 * reader authenticate the holder (PIN or face) and sign it, send the assertion to `$verify-card`, and — after
 * the patient's choices on the reader — record the consent. The reader is the `CardReader` seam (a PC/SC
 * driver for a 顔認証付きカードリーダー in a real deployment, `SimulatedCardReader` over a virtual card here); the
 * platform is reached through a small transport (HTTP with fetch, or an in-process one in tests).
 *
 * A refusal by the card itself (wrong PIN, PIN locked after the third wrong PIN, face not matched) happens on
 * the chip: the platform never sees the PIN, so such an outcome carries stage `reader` and the platform is not
 * called.
 */
import type { CardReader, HolderProof } from './card/index.ts';

export interface PlatformTransport {
  post(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
}

/** Transport over HTTP (fetch) with a bearer token. */
export function httpTransport(baseUrl: string, token: string): PlatformTransport {
  return {
    async post(path, body) {
      const res = await fetch(`${baseUrl.replace(/\/$/, '')}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

type Params = { resourceType: 'Parameters'; parameter?: { name: string; [k: string]: unknown }[] };

export interface ReceptionOutcome {
  ok: boolean;
  /** reader: refused by the card (platform not called); card / link / eligibility / input: from the platform. */
  stage?: 'reader' | 'card' | 'link' | 'eligibility' | 'input';
  code: string;
  ja: string;
  en: string;
  /** PIN tries left after a wrong PIN. */
  retriesLeft?: number;
  /** The platform's answer (Parameters), when it was called. */
  parameters?: Params;
  visit?: string;
}

function value(p: Params, name: string): unknown {
  const e = p.parameter?.find((x) => x.name === name);
  if (!e) return undefined;
  const key = Object.keys(e).find((k) => k.startsWith('value'));
  return e.resource ?? (key ? e[key] : undefined);
}

export class ReceptionClient {
  constructor(private readonly platform: PlatformTransport) {}

  /** Card reception: challenge → reader (PIN / face) → $verify-card. */
  async verifyCard(reader: CardReader, proof: HolderProof, options: { visitDate?: string; nameDisplay?: 'exact' | 'bmp' } = {}): Promise<ReceptionOutcome> {
    const ch = await this.platform.post('/fhir/$card-challenge', { resourceType: 'Parameters' });
    if (ch.status !== 200) throw new Error(`challenge refused (${ch.status}): ${JSON.stringify(ch.body)}`);
    const challenge = value(ch.body as Params, 'challenge') as string;
    const signed = await reader.authenticate(challenge, proof);
    if (!signed.ok) return { ok: false, stage: 'reader', code: signed.code, ja: signed.ja, en: signed.en, retriesLeft: signed.retriesLeft };
    const a = signed.assertion;
    const res = await this.platform.post('/fhir/$verify-card', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'challenge', valueString: a.challenge },
        { name: 'signature', valueString: a.signature },
        { name: 'certificate', valueString: a.certificate },
        ...a.chain.map((c) => ({ name: 'chain', valueString: c })),
        { name: 'method', valueCode: a.method },
        ...(options.visitDate ? [{ name: 'visitDate', valueDate: options.visitDate }] : []),
        ...(options.nameDisplay ? [{ name: 'nameDisplay', valueCode: options.nameDisplay }] : []),
      ],
    });
    if (res.status !== 200) throw new Error(`verification refused (${res.status}): ${JSON.stringify(res.body)}`);
    const p = res.body as Params;
    return {
      ok: value(p, 'result') === true,
      stage: value(p, 'stage') as ReceptionOutcome['stage'],
      code: (value(p, 'code') as { code: string }).code,
      ja: value(p, 'message') as string,
      en: value(p, 'diagnostics') as string,
      parameters: p,
      visit: value(p, 'visit') as string | undefined,
    };
  }

  /** The patient's choices on the reader for a card visit. */
  async consent(
    visit: string,
    choices: Partial<Record<'medication' | 'surgery' | 'checkup', boolean>>,
    setting?: { setting: 'inpatient' | 'home-care'; until: string },
  ) {
    return this.platform.post('/fhir/$reader-consent', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'visit', valueString: visit },
        ...Object.entries(choices).map(([name, v]) => ({ name, valueBoolean: v })),
        ...(setting
          ? [
              { name: 'setting', valueCode: setting.setting },
              { name: 'until', valueDate: setting.until },
            ]
          : []),
      ],
    });
  }
}
