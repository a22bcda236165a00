/**
 * A patient at みどり薬局 today: the card on the pharmacy's reader (face authentication), `$verify-card`, and the
 * patient's consent at the reader (`$reader-consent`, 24 hours) — the pharmacy then sees the detail of the check's
 * alerts and may retrieve the person's open prescriptions by the card.
 */
import { Card, ReceptionClient, SimulatedCardReader } from '../services/eligibility/index.ts';
import type { DemoApi } from './api.ts';
import type { Party } from './facilities.ts';
import type { DemoPatient } from './people.ts';

export async function receiveAtPharmacy(api: DemoApi, pharmacy: Party, p: DemoPatient): Promise<void> {
  const client = new ReceptionClient({ post: (path, body) => api.call('POST', path, pharmacy.token, body) });
  const reader = new SimulatedCardReader(await Card.open(p.card.path));
  let visit = await client.verifyCard(reader, { faceMatched: true });
  // a card CA created after the server started is trusted once the service re-reads its trust directory (5 s)
  for (let wait = 0; visit.code === 'untrusted-ca' && wait < 10; wait++) {
    await new Promise((r) => setTimeout(r, 1000));
    visit = await client.verifyCard(reader, { faceMatched: true });
  }
  if (!visit.ok || !visit.visit) throw new Error(`reception of ${p.key} at the pharmacy: ${visit.code} ${visit.ja} / ${visit.en}`);
  const res = await client.consent(visit.visit, { medication: true, surgery: true, checkup: true });
  if (res.status !== 201 && res.status !== 200) throw new Error(`consent of ${p.key} at the pharmacy: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}
