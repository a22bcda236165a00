/** Resources the eligibility registry owns (meta.tag MANAGED_TAG): written only through its operations. */
import { MANAGED_TAG } from './fhir-codes.ts';

export function isManaged(resource: Record<string, unknown> | undefined): boolean {
  const tags = (resource?.meta as { tag?: { system?: string; code?: string }[] } | undefined)?.tag ?? [];
  return tags.some((t) => t.system === MANAGED_TAG.system && t.code === MANAGED_TAG.code);
}

export const MANAGED_REFUSAL = {
  ja: '資格情報・同意の記録はオンライン資格確認の操作でのみ変更できます',
  en: 'eligibility and consent records are changed only through the eligibility operations',
} as const;
