/**
 * The simple-entry operations (specs and handlers):
 *   $register-simple-entry  a facility's staff register diagnoses and lab results of one patient (or only check them)
 *   $simple-entry-codes     what the clinic's form picks from: the common lab items, disease names of the master
 */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import { badRequest } from '../../../platform/fhir/errors.ts';
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { OperationSpec } from '../../../platform/router/operations/operation-spec.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import { japanDate, sampleEntries, type CodeLists } from '../codes/index.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { registeringFacility } from '../registration/document-checks.ts';
import { COMMON_LABS } from './common-labs.ts';
import { MAX_ITEMS } from './entry-input.ts';
import { simpleEntry } from './simple-entry.ts';

const url = (id: string) => `${TSUNAGU_CANONICAL}/OperationDefinition/${id}`;
// Inputs are all optional to the registry: simple-entry checks the required ones itself, so one answer names every
// missing field (the registry would stop at the first).
const s = (name: string, documentation: string) => ({ name, min: 0, max: '1', type: 'string', documentation });
const d = (name: string, documentation: string) => ({ name, min: 0, max: '1', type: 'decimal', documentation });
const b = (name: string, documentation: string) => ({ name, min: 0, max: '1', type: 'boolean', documentation });

export const SIMPLE_ENTRY_SPECS: Record<string, OperationSpec> = {
  'register-simple-entry': {
    id: 'register-simple-entry',
    staffAction: 'record',
    code: 'register-simple-entry',
    url: url('register-simple-entry'),
    title: '検査結果・病名の簡易登録 / Simple entry of lab results and diagnoses',
    description:
      'For clinics without an EHR: diagnoses (name, 病名管理番号 of the disease master or none — sent uncoded as 99999999 with the name —, onset, 主病名, 疑い) and lab results (JLAC10 code of the service’s list, value, unit, reference range, H/L flag, date) of one patient, written as JP_Bundle_CLINS documents (one per category) and registered through $register-clinical-information with the signed-in facility as registrant. The patient is the platform’s Patient id, or the insured number with the birth date. Every problem refuses everything, each issue naming the input field first; check=true checks everything and stores nothing. The same item (test and day; diagnosis and onset) registered again becomes a new version.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'patient', use: 'in', min: 0, max: '1', type: 'string', documentation: 'the Patient id', label: '患者ID' },
      {
        name: 'insuredPerson',
        use: 'in',
        min: 0,
        max: '1',
        documentation: 'the patient by insured number and birth date (instead of patient)',
        label: '被保険者番号',
        part: [
          s('insurer', '保険者番号 (6 or 8 digits; required)'),
          s('symbol', '被保険者証記号'),
          s('number', '被保険者証番号 (required)'),
          s('branch', '枝番 (2 digits, default 00)'),
          { name: 'birthDate', min: 0, max: '1', type: 'date', documentation: '生年月日 (required)' },
        ],
      },
      { name: 'department', use: 'in', min: 0, max: '1', type: 'code', documentation: '診療科 (SS-MIX2 2-digit code; default 01 内科)', label: '診療科' },
      {
        name: 'diagnosis',
        use: 'in',
        min: 0,
        max: String(MAX_ITEMS),
        documentation: 'a diagnosis',
        label: '病名',
        part: [
          s('name', '病名 (required unless code names one)'),
          s('code', '病名管理番号 (8 digits) of the disease master; absent or 99999999: uncoded'),
          { name: 'onset', min: 0, max: '1', type: 'date', documentation: '発症日 (病名開始日; required)' },
          b('primary', '主病名'),
          b('suspected', '疑い病名 (verificationStatus unconfirmed)'),
        ],
      },
      {
        name: 'lab',
        use: 'in',
        min: 0,
        max: String(MAX_ITEMS),
        documentation: 'a lab result',
        label: '検査結果',
        part: [
          s('code', 'JLAC10 code (17 characters) of the core lab code set, or a common item of $simple-entry-codes (required)'),
          s('name', '検査項目名 (default: the list’s name)'),
          d('value', '結果値 (required)'),
          s('unit', '単位 (default: the common item’s unit)'),
          d('low', '基準値下限'),
          d('high', '基準値上限'),
          s('flag', '異常フラグ H | L | N (default: from the reference range)'),
          { name: 'date', min: 0, max: '1', type: 'date', documentation: '検査日 (required)' },
        ],
      },
      { name: 'check', use: 'in', min: 0, max: '1', type: 'boolean', documentation: 'true: check everything, store nothing', label: '確認のみ' },
      { name: 'patientId', use: 'out', min: 1, max: '1', type: 'string', documentation: 'the Patient id the items are about' },
      { name: 'registered', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'how many items were stored (0 with check)' },
      {
        name: 'item',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one per stored item, in input order (diagnoses, then labs)',
        part: [
          { name: 'input', min: 1, max: '1', type: 'string', documentation: 'the input field (diagnosis[0], lab[2])' },
          { name: 'reference', min: 1, max: '1', type: 'Reference', documentation: 'the stored item' },
          { name: 'kind', min: 1, max: '1', type: 'code', documentation: 'diagnosis | lab' },
          { name: 'status', min: 1, max: '1', type: 'code', documentation: 'created | updated' },
        ],
      },
    ],
  },
  'simple-entry-codes': {
    id: 'simple-entry-codes',
    staffAction: 'record',
    code: 'simple-entry-codes',
    url: url('simple-entry-codes'),
    title: '簡易登録のコード一覧 / Codes for simple entry',
    description:
      'The common lab items (JLAC10 code, name, unit; whether the service’s list has the code) and, with name, up to 30 diagnoses of the disease master (the service’s code list: samples and imported masters) whose name contains it.',
    system: true,
    instance: false,
    affectsState: false,
    parameters: [
      { name: 'name', use: 'in', min: 0, max: '1', type: 'string', documentation: 'part of a disease name', label: '病名' },
      {
        name: 'lab',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'a common lab item',
        part: [
          { name: 'code', min: 1, max: '1', type: 'string', documentation: 'JLAC10 code' },
          { name: 'name', min: 1, max: '1', type: 'string', documentation: 'the item’s name' },
          { name: 'unit', min: 1, max: '1', type: 'string', documentation: 'the usual unit' },
          { name: 'listed', min: 1, max: '1', type: 'boolean', documentation: 'accepted by the service today' },
        ],
      },
      {
        name: 'disease',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'a disease of the master',
        part: [
          { name: 'code', min: 1, max: '1', type: 'string', documentation: '病名管理番号' },
          { name: 'name', min: 1, max: '1', type: 'string', documentation: '病名' },
        ],
      },
    ],
  },
};

const SEARCH_LIMIT = 30;

/** Diseases of the master whose name contains `name` (NFKC), valid today: the samples, then the imported rows. */
async function searchDiseases(db: Queryable, lists: CodeLists, name: string, now: Date): Promise<{ code: string; name: string }[]> {
  const needle = name.normalize('NFKC').trim();
  if (!needle) return [];
  const out = new Map<string, string>();
  for (const e of sampleEntries())
    if (e.list === 'disease' && e.display?.normalize('NFKC').includes(needle) && lists.has('disease', e.code, now)) out.set(e.code, e.display);
  const escaped = needle.replace(/[\\%_]/g, (c) => `\\${c}`);
  const { rows } = await db.query<{ code: string; display: string }>(
    `SELECT DISTINCT code, display FROM sharing_codes
      WHERE list = 'disease' AND display LIKE $1 AND (valid_from IS NULL OR valid_from <= $2::date) AND (valid_to IS NULL OR valid_to >= $2::date)
      ORDER BY display, code LIMIT ${SEARCH_LIMIT}`,
    [`%${escaped}%`, japanDate(now)],
  );
  for (const r of rows) if (!out.has(r.code)) out.set(r.code, r.display);
  return [...out]
    .map(([code, n]) => ({ code, name: n }))
    .sort((a, c) => a.name.length - c.name.length || a.name.localeCompare(c.name, 'ja'))
    .slice(0, SEARCH_LIMIT);
}

export function registerSimpleEntryOperations(operations: OperationRegistry, rt: SharingRuntime, lists: CodeLists): void {
  operations.register(SIMPLE_ENTRY_SPECS['register-simple-entry'], async ({ context, input }) => {
    const r = await simpleEntry(rt, await context(), lists, input);
    return {
      status: r.stored.some((x) => x.status === 'created') ? 201 : 200,
      parameters: [
        { name: 'patientId', valueString: r.patientId },
        { name: 'registered', valueInteger: r.stored.length },
        ...r.stored.map((x, i) => ({
          name: 'item',
          part: [
            { name: 'input', valueString: r.paths[i] },
            { name: 'reference', valueReference: { reference: x.reference } },
            { name: 'kind', valueCode: x.kind },
            { name: 'status', valueCode: x.status },
          ],
        })),
      ],
    };
  });

  operations.register(SIMPLE_ENTRY_SPECS['simple-entry-codes'], async ({ context, input }) => {
    registeringFacility(await context(), { ja: '簡易登録のコード一覧', en: 'the codes of simple entry' });
    const name = input.string('name') ?? '';
    if (name.length > 50) throw badRequest('病名の検索語は50文字までです', 'name is longer than 50 characters', ['name']);
    const now = rt.clock();
    const diseases = await searchDiseases(rt.platform.db, lists, name, now);
    return {
      parameters: [
        ...COMMON_LABS.map((l) => ({
          name: 'lab',
          part: [
            { name: 'code', valueString: l.jlac10 },
            { name: 'name', valueString: l.name },
            { name: 'unit', valueString: l.unit },
            { name: 'listed', valueBoolean: l.core ? lists.has('jlac10-core', l.jlac10, now) : true },
          ],
        })),
        ...diseases.map((x) => ({
          name: 'disease',
          part: [
            { name: 'code', valueString: x.code },
            { name: 'name', valueString: x.name },
          ],
        })),
      ],
    };
  });
}
