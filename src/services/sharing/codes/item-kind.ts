/**
 * Which of the 5 information (5情報) a resource of a JP_Bundle_CLINS is, judged by its type and codes (JP-CLINS
 * 1.5.2 「5情報送信仕様」): Condition → 傷病名; Observation → 感染症 or 検査, told apart by the code system / list
 * of its JLAC10 code; AllergyIntolerance → 薬剤アレルギー等 when category is medication (or a drug code is given),
 * その他アレルギー等 otherwise; MedicationRequest → 処方.
 */
import type { ItemKind } from '../model/kinds.ts';
import type { CodeLists } from './code-lists.ts';
import { type CodeIssue, codingsOf } from './code-issue.ts';
import * as S from './systems.ts';

export type { ItemKind };

/**
 * `testKey`: the test a lab result counts under for "the latest 3" — the JLAC10 item key of a listed code (`K`),
 * else the general JLAC10 code, else `local:` and the facility's code.
 */
export type Classified = { kind: ItemKind; testKey?: string } | { error: CodeIssue };

type Json = Record<string, unknown>;

export function classify(resource: Json, lists: CodeLists): Classified {
  const type = typeof resource.resourceType === 'string' ? resource.resourceType : '';
  switch (type) {
    case 'Condition':
      return { kind: 'diagnosis' };
    case 'MedicationRequest':
      return { kind: 'prescription' };
    case 'AllergyIntolerance':
      return allergyKind(resource);
    case 'Observation':
      return observationKind(resource, lists);
    default:
      return {
        error: {
          path: type || 'resourceType',
          ja: `${type || 'resourceType のない'}リソースは5情報（傷病名・感染症・アレルギー・検査・処方）ではありません`,
          en: `a ${type || 'resource without resourceType'} is not one of the 5 information (Condition, Observation, AllergyIntolerance, MedicationRequest)`,
        },
      };
  }
}

const DRUG_SYSTEMS = new Set([S.YJ, ...S.JFAGY_MEDICATION_SYSTEMS]);

function allergyKind(r: Json): Classified {
  const category = Array.isArray(r.category) ? r.category : [];
  if (category.includes('biologic')) {
    return {
      error: {
        path: 'AllergyIntolerance.category',
        ja: 'category に biologic は使用できません（電子カルテ情報共有サービスではエラー）。医薬品は medication を設定してください',
        en: 'category biologic is not used by the sharing service (the IG makes it an error); a drug allergy has category medication',
      },
    };
  }
  const drug = category.includes('medication') || codingsOf(r.code).some((c) => DRUG_SYSTEMS.has(c.system ?? ''));
  return { kind: drug ? 'drug-allergy' : 'other-allergy' };
}

const SHARED = new Map([
  [S.JLAC10_INFECTION, 'jlac10-infection'],
  [S.JLAC10_CORE, 'jlac10-core'],
] as const);
const LAB_SYSTEMS = new Set([S.LAB_LOCAL, S.LAB_UNCODED, ...S.JLAC10_GENERAL, S.JLAC10_CORE, S.JLAC10_INFECTION, S.JLAC11_CORE, S.JLAC11_INFECTION]);

function observationKind(r: Json, lists: CodeLists): Classified {
  const codings = codingsOf(r.code);
  const jlac = codings.filter((c) => SHARED.has(c.system as never) || S.JLAC10_GENERAL.includes(c.system ?? ''));
  // A code of either list decides, whatever system carries it (the check then asks for the right system).
  for (const list of ['jlac10-infection', 'jlac10-core'] as const) {
    const hit = jlac.find((c) => c.code && lists.has(list, c.code));
    if (hit?.code) return { kind: list === 'jlac10-infection' ? 'infection' : 'lab', testKey: lists.itemOf(list, hit.code) };
  }
  // An unknown code under a list's system: the kind of that system (the check refuses the code).
  if (codings.some((c) => c.system === S.JLAC10_INFECTION || c.system === S.JLAC11_INFECTION)) return { kind: 'infection' };
  if (codings.some((c) => c.system === S.JLAC10_CORE || c.system === S.JLAC11_CORE)) return { kind: 'lab' };
  // Other lab results (一般項目JLACコード or 未標準化コード): the IG's coding rule (3)/(4) lets them be sent.
  const categories = Array.isArray(r.category) ? r.category : [];
  const laboratory = categories.some((cat) => codingsOf(cat).some((c) => c.system === S.OBSERVATION_CATEGORY && c.code === 'laboratory'));
  // Their test key: the general JLAC10 code, else the facility's code (so "the latest 3" counts per test).
  if (laboratory || codings.some((c) => LAB_SYSTEMS.has(c.system ?? ''))) {
    const general = codings.find((c) => S.JLAC10_GENERAL.includes(c.system ?? '') && c.code)?.code;
    const local = codings.find((c) => c.system === S.LAB_LOCAL && c.code)?.code;
    return { kind: 'lab', testKey: general ?? (local ? `local:${local}` : undefined) };
  }
  const cat = categories.flatMap((c) => codingsOf(c).map((x) => x.code)).filter(Boolean);
  return {
    error: {
      path: 'Observation.category',
      ja: `検体検査結果（category laboratory）ではない Observation${cat.length ? `（category ${cat.join(', ')}）` : ''}は5情報として登録できません`,
      en: `an Observation that is not a laboratory result${cat.length ? ` (category ${cat.join(', ')})` : ''} is not one of the 5 information (only JP_Observation_LabResult_eCS results are)`,
    },
  };
}
