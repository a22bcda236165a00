/**
 * Whether the current use of a prescription can be taken today (pharmacy/accept.ts, retrieve.ts): not cancelled, not
 * every use dispensed; the first use within the 使用期限; a refill use from 7 days before to 7 days after its
 * 次回調剤予定日 (store-dispensing.ts).
 */
import { type FhirError, conflict } from '../../../platform/fhir/errors.ts';
import type { PrescriptionRow } from '../prescriptions/prescription-row.ts';

/** Why the current use cannot be taken today, if it cannot. */
export function useRefusal(p: PrescriptionRow, today: string): FhirError | undefined {
  if (p.state === 'cancelled') return conflict('この処方箋は処方医により取り消されています', 'the prescriber cancelled this prescription');
  if (p.state === 'completed' || p.uses_done >= p.uses_allowed)
    return conflict(
      p.uses_allowed > 1 ? `このリフィル処方箋は使用回数の上限（${p.uses_allowed}回）まで調剤済みです` : 'この処方箋は調剤済みです',
      p.uses_allowed > 1 ? `every use (${p.uses_allowed}) of this refill prescription has been dispensed` : 'this prescription has been dispensed',
    );
  if (p.uses_done === 0 && today > p.valid_until)
    return conflict(`処方箋の使用期限（${p.valid_until}）を過ぎています`, `the prescription's validity ended on ${p.valid_until}`);
  if (p.uses_done > 0 && p.next_use_from && today < p.next_use_from)
    return conflict(
      `リフィル処方箋の${p.uses_done + 1}回目の調剤は ${p.next_use_from} から受け付けられます（次回調剤予定日の7日前から）`,
      `use ${p.uses_done + 1} of this refill prescription can be accepted from ${p.next_use_from} (7 days before its planned date)`,
    );
  if (p.uses_done > 0 && p.next_use_until && today > p.next_use_until)
    return conflict(
      `リフィル処方箋の${p.uses_done + 1}回目の調剤期間（${p.next_use_until} まで）を過ぎています`,
      `the window of use ${p.uses_done + 1} ended on ${p.next_use_until}`,
    );
  return undefined;
}
