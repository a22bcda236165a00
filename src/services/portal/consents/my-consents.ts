/**
 * $my-consents: the person's consents (newest first), group holds and item holds in force, from the consent capability
 * (platform.consent.list) and the sharing service (item holds). Facility names come from the directory.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import type { ListedConsent } from '../../../platform/consent/consent-list.ts';
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import { itemHoldsOf } from '../../sharing/index.ts';
import { auditOwnRead } from '../model/person.ts';
import { directoryNames, type NameOf } from '../model/names.ts';
import type { PortalRuntime } from '../model/runtime.ts';

/** A consent as the portal's `consent` part. */
export async function consentParam(c: ListedConsent, nameOf: NameOf): Promise<OutParam> {
  return {
    name: 'consent',
    part: [
      { name: 'id', valueId: c.consentId },
      { name: 'facilityCode', valueString: c.recipient.code },
      { name: 'facilityName', valueString: (await nameOf(c.recipient.code)) ?? (c.recipient.name || c.recipient.code) },
      { name: 'facilityKind', valueCode: c.recipient.kind },
      { name: 'category', valueCode: c.category },
      { name: 'decision', valueCode: c.decision },
      { name: 'policy', valueCode: c.policy },
      { name: 'givenAt', valueInstant: c.givenAt.toISOString() },
      { name: 'validFrom', valueInstant: c.validFrom.toISOString() },
      { name: 'validTo', valueInstant: c.validTo.toISOString() },
      { name: 'state', valueCode: c.state },
    ],
  };
}

export async function myConsents(rt: PortalRuntime, ctx: RequestContext, patientId: string): Promise<OutParam[]> {
  const at = rt.clock();
  const { consents, holds } = await rt.platform.consent.list(patientId, at);
  const items = await itemHoldsOf(rt.platform.db, patientId, at);
  const nameOf = directoryNames(rt);
  const out: OutParam[] = [];
  for (const c of consents) out.push(await consentParam(c, nameOf));
  for (const h of holds) {
    const code = h.grantee?.split(':')[1];
    const name = await nameOf(code);
    out.push({
      name: 'hold',
      part: [
        { name: 'id', valueString: h.holdId },
        { name: 'category', valueCode: h.category },
        ...(code ? [{ name: 'facilityCode', valueString: code }] : []),
        ...(name ? [{ name: 'facilityName', valueString: name }] : []),
        { name: 'since', valueInstant: h.since.toISOString() },
      ],
    });
  }
  for (const h of items)
    out.push({
      name: 'itemHold',
      part: [
        { name: 'id', valueString: h.holdId },
        { name: 'item', valueReference: { reference: h.item } },
        { name: 'kind', valueCode: h.kind },
        { name: 'since', valueInstant: h.since.toISOString() },
      ],
    });
  await auditOwnRead(rt, ctx, 'my-consents', patientId, [`Patient/${patientId}`, ...consents.map((c) => `Consent/${c.consentId}`)]);
  return out;
}
