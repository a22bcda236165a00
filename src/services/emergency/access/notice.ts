/**
 * The patient's notice of an emergency, ambulance or disaster access (救急時閲覧のお知らせ, MISSION.md S8 — our
 * addition: the patient learns of every access without consent): a Communication to the person (subject and
 * recipient), written in the access's transaction, and an event of the topic EMERGENCY_ACCESS_TOPIC for the person's
 * subscriptions — the notification channel the sharing service's topics use (rest-hook, websocket). The portal lists
 * the accesses themselves ($my-emergency-accesses) and highlights them in the access log.
 */
import { resourceOf, type WriteRule } from '../../../platform/access/policy.ts';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import type { WriteSession } from '../../../platform/store/repository.ts';
import { japanDateTime } from '../model/japan-time.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';
import type { AccessMode } from './access-store.ts';

export const EMERGENCY_ACCESS_TOPIC = `${TSUNAGU_CANONICAL}/SubscriptionTopic/emergency-access`;
export const NOTICE_CATEGORY_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/notice-category`;

export const MODE_NAMES: Record<AccessMode, { ja: string; en: string }> = {
  emergency: { ja: '救急時医療情報閲覧', en: 'emergency view' },
  ambulance: { ja: '救急隊による照会', en: 'ambulance lookup' },
  disaster: { ja: '災害時の閲覧', en: 'disaster view' },
};

export interface NoticeFacts {
  patientId: string;
  mode: AccessMode;
  organisation: string;
  staffName?: string | null;
  reason: string;
  at: Date;
  until?: Date;
}

export function noticeText(n: NoticeFacts): string {
  const who = n.staffName ? `${n.organisation}（${n.staffName}）` : n.organisation;
  const window = n.until ? `。閲覧できる期間は ${japanDateTime(n.until)} までです` : '';
  return `${japanDateTime(n.at)}、${who}が${MODE_NAMES[n.mode].ja}により、同意なしにあなたの医療情報を閲覧しました（理由: ${n.reason}）${window}。心当たりがない場合はお問い合わせください。`;
}

/** Writes the notice and publishes its event; returns the Communication id. */
export async function writeNotice(rt: EmergencyRuntime, session: WriteSession, ctx: RequestContext, n: NoticeFacts): Promise<string> {
  const id = newId();
  await rt.platform.repo.create(
    ctx,
    {
      resourceType: 'Communication',
      status: 'completed',
      category: [{ coding: [{ system: NOTICE_CATEGORY_SYSTEM, code: `${n.mode}-access`, display: MODE_NAMES[n.mode].ja }] }],
      priority: 'urgent',
      subject: { reference: `Patient/${n.patientId}` },
      recipient: [{ reference: `Patient/${n.patientId}` }],
      sent: n.at.toISOString(),
      sender: { display: n.organisation },
      payload: [{ contentString: noticeText(n) }],
    },
    { session, id },
  );
  await rt.platform.subscriptions.publish(session.tx, {
    topic: EMERGENCY_ACCESS_TOPIC,
    focus: `Communication/${id}`,
    patientKey: n.patientId,
    audience: { patientId: n.patientId },
  });
  return id;
}

const isNotice = (r: Record<string, unknown> | undefined) =>
  r?.resourceType === 'Communication' &&
  ((r.category as { coding?: { system?: string }[] }[] | undefined) ?? []).some((c) => c.coding?.some((x) => x.system === NOTICE_CATEGORY_SYSTEM));

/** Notices change only by the service (a facility cannot withdraw the notice of its own access), judged on new and stored. */
export function noticeGuard(): WriteRule {
  return (req) => {
    if (req.resourceType !== 'Communication' || (!isNotice(resourceOf(req)) && !isNotice(req.stored?.()))) return undefined;
    return {
      allow: false,
      ja: '救急時閲覧のお知らせは変更・削除できません',
      en: 'emergency access notices cannot be changed or deleted',
    };
  };
}
