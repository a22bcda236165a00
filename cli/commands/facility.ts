/**
 * `tsunagu facility …` — the operator's command for the facility directory (施設名簿): the organisations people sign
 * in for and send letters to.
 *   add       a 医療機関 / 薬局 (医療機関コード), 保険者 (保険者番号) or 健診機関 (健診機関番号) with its name
 *   list      the directory (all, or those whose name, reading or code contains a text; of one kind)
 *   disable   a closed facility is no longer offered (as an addressee, at sign-in); enable brings it back
 */
import { FACILITY_KIND_NAMES, FACILITY_KINDS, Facilities, type FacilityKind } from '../../src/platform/auth/facilities.ts';
import { FhirError } from '../../src/platform/fhir/errors.ts';
import { closePlatform } from '../../src/platform/platform.ts';
import { openLocalPlatform, subcommand } from '../common.ts';

const KINDS = FACILITY_KINDS.map((k) => `${FACILITY_KIND_NAMES[k].ja}(${k})`).join(' ');

const USAGE = `tsunagu facility add --code <コード> --name <名称> [--kind facility] [--kana <フリガナ>] [--prefecture 東京都] [--address <住所>]
tsunagu facility list [<名称・コードの一部>] [--kind <kind>]
tsunagu facility disable|enable <コード>
  kinds: ${KINDS} (default facility)
  [--data-dir ./data] (or DATABASE_URL)`;

const fail = (ja: string, en: string) => {
  console.error(`${ja} / ${en}`);
  return 2;
};

const kindOf = (raw: string | undefined): FacilityKind | undefined => {
  if (raw === undefined) return 'facility';
  const k = FACILITY_KINDS.find((x) => x === raw || FACILITY_KIND_NAMES[x].ja === raw);
  return k;
};

export async function facilityCommand(argv: string[]): Promise<number> {
  const parsed = subcommand(
    argv,
    {
      code: { type: 'string' },
      name: { type: 'string' },
      kind: { type: 'string' },
      kana: { type: 'string' },
      prefecture: { type: 'string' },
      address: { type: 'string' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { sub, args } = parsed;
  const v = args.values as Record<string, string | undefined>;
  const kind = kindOf(v.kind);
  if (!kind) return fail(`種別 ${v.kind} は不明です（${KINDS}）`, `unknown kind ${v.kind}; one of ${FACILITY_KINDS.join(', ')}`);
  if (!['add', 'list', 'disable', 'enable'].includes(sub)) return fail(`不明なサブコマンド ${sub}`, `unknown subcommand ${sub}\n${USAGE}`);
  if (sub === 'add' && (!v.code || !v.name)) return fail('--code と --name が必要です', `--code and --name are required\n${USAGE}`);
  const p = await openLocalPlatform(v['data-dir']);
  try {
    const directory = new Facilities(p.db);
    if (sub === 'add') {
      const f = await directory.add({ code: v.code as string, name: v.name as string, kind, kana: v.kana, prefecture: v.prefecture, address: v.address });
      console.log(`追加しました / added: ${f.code} ${f.name} (${FACILITY_KIND_NAMES[f.kind].ja})`);
      return 0;
    }
    if (sub === 'list') {
      const found = await directory.search(args.positionals[0] ?? '', { kinds: v.kind ? [kind] : undefined, limit: 100 });
      for (const f of found) console.log([f.code, FACILITY_KIND_NAMES[f.kind].ja, f.name, f.prefecture ?? ''].filter(Boolean).join('\t'));
      if (found.length === 0) console.log('該当する施設はありません / no facility found');
      return 0;
    }
    const [code] = args.positionals;
    if (!code) return fail('コードを指定してください', `give the code\n${USAGE}`);
    const known = await directory.get(code);
    if (!known) return fail(`${code} は施設名簿にありません`, `${code} is not in the facility directory`);
    await directory.setActive(known.code, sub === 'enable');
    console.log(`${sub}: ${known.code} ${known.name}`);
    return 0;
  } catch (e) {
    if (e instanceof FhirError) {
      const issue = e.outcome.issue?.[0];
      return fail(issue?.details?.text ?? e.message, issue?.diagnostics ?? e.message);
    }
    throw e;
  } finally {
    await closePlatform(p);
  }
}
