/**
 * $my-letters: that referral letters and discharge summaries about the person were sent — kind, sender, addressee,
 * when, state (sharing service: lettersAbout). Never the content: letters are not shown to the patient (national rule).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import { lettersAbout } from '../../sharing/index.ts';
import { auditOwnRead } from '../model/person.ts';
import { directoryNames } from '../model/names.ts';
import type { PortalRuntime } from '../model/runtime.ts';

export async function myLetters(rt: PortalRuntime, ctx: RequestContext, patientId: string): Promise<OutParam[]> {
  const letters = await lettersAbout(rt.platform.db, patientId, rt.clock());
  const nameOf = directoryNames(rt);
  const out: OutParam[] = [];
  for (const l of letters)
    out.push({
      name: 'letter',
      part: [
        { name: 'id', valueId: l.id },
        { name: 'kind', valueCode: l.kind },
        { name: 'senderCode', valueString: l.sender },
        { name: 'senderName', valueString: (await nameOf(l.sender)) ?? l.sender },
        { name: 'addresseeCode', valueString: l.addressee },
        { name: 'addresseeName', valueString: (await nameOf(l.addressee)) ?? l.addressee },
        { name: 'sentAt', valueInstant: l.sentAt.toISOString() },
        { name: 'state', valueCode: l.state },
      ],
    });
  // The entity is the person, not the letters: the person reads that letters exist, not the letters themselves.
  await auditOwnRead(rt, ctx, 'my-letters', patientId);
  return out;
}
