/**
 * Today's reception at the clinic: each patient's card on the reader (face authentication), `$verify-card`, then the
 * patient's choices on the reader (`$reader-consent`): all three groups permitted — outpatients for 24 hours as the
 * national rule has it, home-care patients (訪問診療) until a year from today. The patients marked without consent
 * are not received today, so the clinic sees none of their shared information.
 */
import { Card, ReceptionClient, SimulatedCardReader } from '../services/eligibility/index.ts';
import type { DemoApi } from './api.ts';
import type { DemoCalendar } from './calendar.ts';
import type { Party } from './facilities.ts';
import type { DemoPatient } from './people.ts';

export async function receiveWithConsent(api: DemoApi, clinic: Party, patients: DemoPatient[], cal: DemoCalendar, log: (line: string) => void): Promise<void> {
  const client = new ReceptionClient({ post: (path, body) => api.call('POST', path, clinic.token, body) });
  let consents = 0;
  for (const p of patients.filter((x) => x.clinicConsent)) {
    const reader = new SimulatedCardReader(await Card.open(p.card.path));
    let visit = await client.verifyCard(reader, { faceMatched: true });
    // a card CA created after the server started is trusted once the service re-reads its trust directory (5 s)
    for (let wait = 0; visit.code === 'untrusted-ca' && wait < 10; wait++) {
      await new Promise((r) => setTimeout(r, 1000));
      visit = await client.verifyCard(reader, { faceMatched: true });
    }
    if (!visit.ok || !visit.visit) throw new Error(`reception of ${p.key} at the clinic: ${visit.code} ${visit.ja} / ${visit.en}`);
    const until = cal.daysAgo(-365);
    const res = await client.consent(visit.visit, { medication: true, surgery: true, checkup: true }, p.homeCare ? { setting: 'home-care', until } : undefined);
    if (res.status !== 201 && res.status !== 200) throw new Error(`consent of ${p.key} at the clinic: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    consents++;
  }
  log(`  ${consents} 人が受付で閲覧に同意 / patients consented at the reader; ${patients.length - consents} 人は同意なし / without consent`);
}
