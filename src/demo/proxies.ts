/**
 * The demo world's 代理人: 𠮷田 花子 is the 親権者 of 齋藤 健太 (8) — she kept her own surname after a divorce, he
 * kept his father's, a common case — so she can open his records in the patient portal with her own card, until the
 * day before his 18th birthday (成年, 民法第4条).
 */
import type { PatientProxies } from '../platform/auth/proxies/patient-proxies.ts';
import type { DemoPatient } from './people.ts';

export const DEMO_PROXIES = [{ proxy: 'yoshida', for: 'saito', relation: 'parent' }] as const;

/** The day before the `age`th birthday (YYYY-MM-DD). */
function dayBeforeBirthday(birthDate: string, age: number): string {
  const d = new Date(`${Number(birthDate.slice(0, 4)) + age}${birthDate.slice(4)}T00:00:00Z`);
  return new Date(d.getTime() - 86400_000).toISOString().slice(0, 10);
}

export async function registerProxies(proxies: PatientProxies, patients: DemoPatient[], log: (line: string) => void) {
  const byKey = new Map(patients.map((p) => [p.key, p]));
  for (const d of DEMO_PROXIES) {
    const proxy = byKey.get(d.proxy);
    const person = byKey.get(d.for);
    if (!proxy || !person) throw new Error(`demo proxy ${d.proxy} → ${d.for}: no such patient`);
    await proxies.add({
      proxyId: proxy.patientId,
      proxyName: `${proxy.familyName} ${proxy.givenName}`,
      patientId: person.patientId,
      patientName: `${person.familyName} ${person.givenName}`,
      relation: d.relation,
      validFrom: person.birthDate,
      validTo: dayBeforeBirthday(person.birthDate, 18),
      registeredBy: 'demo',
    });
    log(`  代理人 / proxy: ${proxy.familyName} ${proxy.givenName} → ${person.familyName} ${person.givenName}`);
  }
  return DEMO_PROXIES.map((d) => ({ ...d }));
}
