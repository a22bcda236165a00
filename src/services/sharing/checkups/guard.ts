/**
 * The resources of a registered check-up report change only through the service's operations (registration of a new
 * version, withdrawal, the purge): a client's create, update or delete of a resource tagged CHECKUP_TAG — judged on
 * the new content and on the stored version — is refused, also for the provider that registered it.
 */
import { resourceOf, type WriteRule } from '../../../platform/access/policy.ts';
import { CHECKUP_TAG } from './checkup-model.ts';

const tagged = (r: Record<string, unknown> | undefined) =>
  ((r?.meta as { tag?: { system?: string; code?: string }[] } | undefined)?.tag ?? []).some(
    (t) => t?.system === CHECKUP_TAG.system && t?.code === CHECKUP_TAG.code,
  );

export function checkupGuard(): WriteRule {
  return (req) => {
    if (!tagged(resourceOf(req)) && !tagged(req.stored?.())) return undefined;
    return {
      allow: false,
      ja: '健診結果報告書の情報は、登録・取下げの操作でのみ変更できます',
      en: 'the resources of a check-up report change only through its registration and withdrawal operations',
    };
  };
}
