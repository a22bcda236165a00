/**
 * The sharing service's FHIR operations on the platform's registry (specs: operations.ts):
 *   facilities   $register-clinical-information, $withdraw-clinical-information
 *   views        Patient/[id]/$clinical-information (facilities, pharmacies, the patient)
 *   the patient  $hold-clinical-information, $release-clinical-information-hold
 *   operators    $purge-expired-clinical-information
 */
import { isConsentCategory } from '../../../platform/consent/categories.ts';
import { badRequest, forbidden } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { OperationHandler, OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import { isItemKind, type ItemKind, ITEM_KINDS, KIND_RULES } from '../model/kinds.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { purgeAll } from '../purge/purge-all.ts';
import { registerClinicalInformation } from '../registration/register-clins.ts';
import { withdrawItem } from '../registration/withdraw.ts';
import { VIEW_PAGE, viewClinicalInformation } from '../views/clinical-view.ts';
import { holdItem, releaseItemHold } from '../views/holds.ts';
import { SHARING_SPECS } from './operations.ts';

const ITEM_TYPES = new Set(ITEM_KINDS.map((k) => KIND_RULES[k].resourceType));

/** A Reference parameter naming an item (`Condition/…`), or 400. */
function itemReference(input: ParamReader, name: string): string | undefined {
  const v = input.all(name)[0]?.value as { reference?: unknown } | undefined;
  if (v === undefined) return undefined;
  const ref = typeof v.reference === 'string' ? v.reference : '';
  const [type, id, extra] = ref.split('/');
  if (extra !== undefined || !ITEM_TYPES.has(type) || !isValidId(id))
    throw badRequest(`${name} は項目への参照（Condition/… など）です（${ref}）`, `${name} must reference an item (Condition/…, got ${ref})`, [
      input.path(name),
    ]);
  return ref;
}

/** An optional whole-number parameter within [min, max] (400 otherwise). */
function wholeParam(input: ParamReader, name: string, min: number, max: number): number | undefined {
  const raw = input.all(name)[0]?.value;
  if (raw === undefined) return undefined;
  const v = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw badRequest(
      `${name} は ${min} 以上 ${max} 以下の整数です（${String(raw)}）`,
      `${name} must be a whole number from ${min} to ${max} (got ${String(raw)})`,
      [input.path(name)],
    );
  return v;
}

function kindsOf(input: ParamReader): ItemKind[] {
  const kinds = input.strings('kind').flatMap((s) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  );
  for (const k of kinds)
    if (!isItemKind(k))
      throw badRequest(`種類 ${k} はありません（${ITEM_KINDS.join(', ')}）`, `unknown kind ${k} (${ITEM_KINDS.join(', ')})`, [input.path('kind')]);
  return kinds as ItemKind[];
}

export function registerSharingOperations(operations: OperationRegistry, rt: SharingRuntime): void {
  const op = (code: string, handler: OperationHandler) => operations.register(SHARING_SPECS[code], handler);

  op('register-clinical-information', async ({ context, input }) => {
    const stored = await registerClinicalInformation(rt, await context(), input.all('resource')[0]?.resource);
    return {
      status: stored.some((s) => s.status === 'created') ? 201 : 200,
      parameters: [
        { name: 'registered', valueInteger: stored.length },
        ...stored.map((s) => ({
          name: 'item',
          part: [
            { name: 'reference', valueReference: { reference: s.reference } },
            { name: 'kind', valueCode: s.kind },
            { name: 'identifier', valueString: s.businessId },
            { name: 'status', valueCode: s.status },
          ],
        })),
      ],
    };
  });

  op('clinical-information', async ({ context, input, id, req }) => {
    if (!isValidId(id)) throw badRequest('id が正しくありません', 'invalid id');
    const count = wholeParam(input, '_count', 1, VIEW_PAGE.max) ?? VIEW_PAGE.default;
    const offset = wholeParam(input, '_offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    return { status: 200, body: await viewClinicalInformation(rt, await context(), id, { kinds: kindsOf(input), base: req.base, count, offset }) };
  });

  op('withdraw-clinical-information', async ({ context, input }) => {
    const reference = itemReference(input, 'item');
    const resourceType = input.string('resourceType');
    const identifier = input.string('identifier');
    if (reference ? resourceType || identifier : !(resourceType && identifier))
      throw badRequest(
        '取り下げる項目は item（参照）か resourceType と identifier の組で指定します',
        'name the item by item (a reference), or by resourceType and identifier together',
        [input.path('item')],
      );
    if (resourceType && !ITEM_TYPES.has(resourceType))
      throw badRequest(`resourceType ${resourceType} は6情報の型ではありません`, `${resourceType} is not an item type`, [input.path('resourceType')]);
    const withdrawn = await withdrawItem(rt, await context(), reference ? { reference } : { resourceType: resourceType!, identifier: identifier! });
    return { parameters: [{ name: 'withdrawn', valueReference: { reference: withdrawn } }] };
  });

  op('hold-clinical-information', async ({ context, input }) => {
    const ctx = await context();
    const item = itemReference(input, 'item');
    const group = input.string('group');
    const facility = input.string('facility');
    if (!item === !group)
      throw badRequest('保留するのは項目（item）か同意区分（group）のどちらか一方です', 'hold either one item or one consent group', [input.path('item')]);
    if (item) {
      if (facility) throw badRequest('facility は同意区分の保留にだけ指定できます', 'facility applies to group holds only', [input.path('facility')]);
      return { status: 201, parameters: [{ name: 'hold', valueString: await holdItem(rt, ctx, item) }] };
    }
    if (group !== 'surgery' && group !== 'medication' && group !== 'checkup')
      throw badRequest(`同意区分 ${group} は surgery・medication・checkup のいずれかです`, `group must be surgery, medication or checkup (got ${group})`, [
        input.path('group'),
      ]);
    if (facility !== undefined && !/^\d{10}$/.test(facility))
      throw badRequest('医療機関コードは10桁です', 'facility must be a 10-digit 医療機関コード', [input.path('facility')]);
    const p = ctx.principal;
    if (p.kind !== 'patient' || !p.patientId) throw forbidden('閲覧の保留は本人が行います', 'only the person puts viewing on hold');
    if (!isConsentCategory(group)) throw new Error('unreachable');
    const hold = await rt.platform.consent.hold(
      ctx,
      { patientId: p.patientId, category: group, grantee: facility ? `facility:${facility}` : undefined },
      rt.clock(),
    );
    return { status: 201, parameters: [{ name: 'hold', valueString: hold }] };
  });

  op('release-clinical-information-hold', async ({ context, input }) => {
    const ctx = await context();
    const hold = input.requiredString('hold', '保留ID');
    if (!isValidId(hold)) throw badRequest('保留ID が正しくありません', 'invalid hold id', [input.path('hold')]);
    try {
      await releaseItemHold(rt, ctx, hold);
    } catch (e) {
      if ((e as { status?: number }).status !== 404) throw e;
      await rt.platform.consent.release(ctx, hold, rt.clock());
    }
    return { parameters: [{ name: 'released', valueBoolean: true }] };
  });

  op('purge-expired-clinical-information', async ({ context }) => {
    if ((await context()).principal.kind !== 'operator') throw forbidden('保存期間経過分の削除は運用者が行います', 'the purge is run by operators');
    const { purged, erasedLetters, purgedCheckups } = await purgeAll(rt);
    return {
      parameters: [
        { name: 'purged', valueInteger: purged },
        { name: 'erasedLetters', valueInteger: erasedLetters },
        { name: 'purgedCheckups', valueInteger: purgedCheckups },
      ],
    };
  });
}
