/**
 * 代替調剤の候補: the products a pharmacy may hand over for a prescribed drug as another brand of the same generic —
 * those whose generic key (drug-entry.ts `genericKeyOf`: the 一般名コード, else the first 9 characters of the
 * 薬価基準収載医薬品コード + ZZZ) is the prescribed drug's, valid on the day. For a line prescribed by 一般名 these are
 * its brands. The same rule `readDispensing` (dispensed-lines.ts) applies when the result is registered.
 */
import { FhirError } from '../../../platform/fhir/errors.ts';
import { type DrugEntry, type DrugMaster, type DrugSystem, drugSystemOf, genericKeyOf, guessSystem, isDrugProblem } from '../master/index.ts';

export interface Substitute {
  system: Exclude<DrugSystem, 'general'>;
  code: string;
  name: string;
  unit?: string;
  validTo?: string;
  /** The product named in the question. */
  prescribed: boolean;
}

export interface Substitutes {
  generalCode: string;
  generalName?: string;
  drugs: Substitute[];
}

const brandCode = (e: DrugEntry): [Substitute['system'], string] | undefined =>
  e.receiptCode ? ['receipt', e.receiptCode] : e.yjCode ? ['yj', e.yjCode] : e.hot9 ? ['hot9', e.hot9] : undefined;

/** The brands of the prescribed drug's generic valid on `on`; 400 for an unusable system, 422 for a refused code. */
export function substitutesOf(master: DrugMaster, code: string, systemGiven: string | undefined, on: Date): Substitutes {
  const system = systemGiven ? drugSystemOf(systemGiven) : guessSystem(code);
  if (!system)
    throw FhirError.of(
      400,
      'invalid',
      systemGiven
        ? `コード体系（system）${systemGiven} は医薬品コードの体系ではありません`
        : `薬剤コード ${code} のコード体系が分かりません。system を指定してください`,
      systemGiven ? `${systemGiven} is not a drug code system` : `cannot tell the code system of ${code}: give system`,
    );
  const prescribed = master.lookup(system, code, on);
  if (isDrugProblem(prescribed)) throw FhirError.of(422, 'code-invalid', prescribed.ja, prescribed.en);
  const key = genericKeyOf(prescribed);
  if (!key)
    throw FhirError.of(
      422,
      'business-rule',
      `${prescribed.name} は医薬品マスターに一般名（成分・剤形・規格）の情報がないため、代替調剤の候補を示せません`,
      `${prescribed.name} has no generic key in the drug master: no substitutes can be named`,
    );
  const drugs: Substitute[] = [];
  const seen = new Set<string>();
  for (const e of master.entries()) {
    const c = brandCode(e);
    if (!c || genericKeyOf(e) !== key) continue;
    const [s, brand] = c;
    const id = `${s}|${brand}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const current = master.lookup(s, brand, on);
    if (isDrugProblem(current) || genericKeyOf(current) !== key) continue;
    drugs.push({
      system: s,
      code: brand,
      name: current.name,
      ...(current.unit ? { unit: current.unit } : {}),
      ...(current.validTo ? { validTo: current.validTo } : {}),
      prescribed: s === system && brand === code,
    });
  }
  drugs.sort((a, b) => Number(b.prescribed) - Number(a.prescribed) || a.name.localeCompare(b.name, 'ja'));
  const general = master.lookup('general', key, on);
  return { generalCode: key, ...(isDrugProblem(general) ? {} : { generalName: general.name }), drugs };
}
