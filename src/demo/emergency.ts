/**
 * The demo's emergency access (救急時医療情報閲覧): three days ago at 02:30 the hospital's 医師 read 髙橋's card without
 * the PIN (brought in unconscious) and viewed the essential set once — so the portal shows the highlighted access and
 * its notice, and the hospital's 個人情報保護管理者 has it on the review list.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { DemoApi, outParam, type Json } from './api.ts';
import type { DemoCalendar, DemoClock } from './calendar.ts';
import type { Party } from './facilities.ts';
import type { DemoPatient } from './people.ts';
import type { SignIn } from './staff.ts';
import { staffAccessToken } from './staff-session.ts';

export const EMERGENCY_PATIENT = 'takahashi';

export async function declareDemoEmergency(
  app: FastifyInstance,
  hospital: Party,
  signIns: SignIn[],
  patients: DemoPatient[],
  cal: DemoCalendar,
  clock: DemoClock | undefined,
  log: (line: string) => void,
): Promise<string> {
  const doctor = signIns.find((s) => s.facilityCode === hospital.code && s.role === 'doctor');
  const patient = patients.find((p) => p.key === EMERGENCY_PATIENT);
  if (!doctor || !patient) throw new Error('the demo emergency needs the hospital doctor and 髙橋');
  const token = await staffAccessToken(app, { facility: doctor.facilityCode, login: doctor.login, password: doctor.password });
  const certificate = (JSON.parse(await readFile(patient.card.path, 'utf8')) as { certificate: string }).certificate;
  clock?.travel(cal.instant(cal.daysAgo(3), '02:30'));
  try {
    const api = new DemoApi(app);
    const opened = await api.operation('救急時医療情報閲覧の開始', 'emergency-access', token, [
      { name: 'reason', valueCode: 'unconscious' },
      { name: 'reasonText', valueString: '救急搬送、意識レベル JCS 200' },
      { name: 'certificate', valueString: certificate },
    ]);
    const id = ((outParam(opened, 'access') as Json[]).find((x) => x.name === 'id') as { valueString: string }).valueString;
    await api.operation('救急時医療情報の閲覧', 'emergency-view', token, [{ name: 'access', valueString: id }]);
    log(`  ${hospital.name}: 救急時医療情報閲覧 (${patient.familyName} ${patient.givenName})`);
    return id;
  } finally {
    clock?.travel(undefined);
  }
}
