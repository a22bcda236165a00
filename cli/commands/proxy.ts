/**
 * `tsunagu proxy …` — the operator's command for 代理人 (a person who uses the patient portal for another: a parent
 * for their child, a guardian, a representative the person chose), after the papers were checked.
 *   add    --proxy <Patient id> --for <Patient id> --relation parent|guardian|delegate [--from YYYY-MM-DD] [--to YYYY-MM-DD]
 *   list   <Patient id>: the registrations of or for the person, ended ones too
 *   end    <registration id>: ends it at once (the proxy's portal loses the person within one token's lifetime)
 */
import { japanDate, PatientProxies, PROXY_RELATIONS, ProxyInputError, type ProxyRelation } from '../../src/platform/auth/proxies/patient-proxies.ts';
import { closePlatform } from '../../src/platform/platform.ts';
import { openLocalPlatform, subcommand } from '../common.ts';

const USAGE = `tsunagu proxy add --proxy <代理人の Patient id> --for <ご本人の Patient id> --relation ${Object.keys(PROXY_RELATIONS).join('|')} [--from YYYY-MM-DD] [--to YYYY-MM-DD]
tsunagu proxy list <Patient id>
tsunagu proxy end <登録ID>
  relations: ${Object.entries(PROXY_RELATIONS)
    .map(([k, v]) => `${k} ${v.ja}`)
    .join(', ')}
  [--data-dir ./data] (or DATABASE_URL)`;

const fail = (ja: string, en: string) => {
  console.error(`${ja} / ${en}`);
  return 2;
};

/** The Patient's name as registered (漢字 over カナ), or undefined when there is no such Patient. */
function nameOf(content: string | undefined): string | undefined {
  if (!content) return undefined;
  const names = ((JSON.parse(content) as { name?: { text?: string; family?: string; given?: string[]; extension?: { valueCode?: string }[] }[] }).name ??
    []) as { text?: string; family?: string; given?: string[]; extension?: { valueCode?: string }[] }[];
  const ideographic = names.find((n) => n.extension?.some((e) => e.valueCode === 'IDE')) ?? names[0];
  if (!ideographic) return '';
  return ideographic.text ?? [ideographic.family, ...(ideographic.given ?? [])].filter(Boolean).join(' ');
}

export async function proxyCommand(argv: string[]): Promise<number> {
  const parsed = subcommand(
    argv,
    { proxy: { type: 'string' }, for: { type: 'string' }, relation: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { sub, args } = parsed;
  const v = args.values as Record<string, string | undefined>;
  if (!['add', 'list', 'end'].includes(sub)) return fail(`不明なサブコマンド ${sub}`, `unknown subcommand ${sub}\n${USAGE}`);
  if (sub === 'add' && (!v.proxy || !v.for || !v.relation))
    return fail('--proxy、--for と --relation が必要です', `--proxy, --for and --relation are required\n${USAGE}`);
  const p = await openLocalPlatform(v['data-dir']);
  try {
    const proxies = new PatientProxies(p.db);
    if (sub === 'add') {
      const contents = await p.system.contents([`Patient/${v.proxy}`, `Patient/${v.for}`]);
      const proxyName = nameOf(contents.get(`Patient/${v.proxy}`));
      const patientName = nameOf(contents.get(`Patient/${v.for}`));
      if (proxyName === undefined) return fail(`代理人 Patient/${v.proxy} は登録されていません`, `Patient/${v.proxy} (the proxy) does not exist`);
      if (patientName === undefined) return fail(`ご本人 Patient/${v.for} は登録されていません`, `Patient/${v.for} (the person) does not exist`);
      const r = await proxies.add({
        proxyId: v.proxy as string,
        proxyName,
        patientId: v.for as string,
        patientName,
        relation: v.relation as ProxyRelation,
        validFrom: v.from ?? japanDate(new Date()),
        validTo: v.to,
        registeredBy: 'operator (cli)',
      });
      console.log(
        `登録しました / registered: ${r.id} ${r.proxyName} → ${r.patientName}（${PROXY_RELATIONS[r.relation].ja}） ${r.validFrom}〜${r.validTo ?? ''}`,
      );
      return 0;
    }
    const [id] = args.positionals;
    if (!id)
      return fail(
        sub === 'list' ? 'Patient id を指定してください' : '登録IDを指定してください',
        `give the ${sub === 'list' ? 'Patient id' : 'registration id'}\n${USAGE}`,
      );
    if (sub === 'list') {
      const rows = await proxies.ofPerson(id);
      for (const r of rows)
        console.log(
          [
            r.id,
            `${r.proxyName}(${r.proxyId}) → ${r.patientName}(${r.patientId})`,
            PROXY_RELATIONS[r.relation].ja,
            `${r.validFrom}〜${r.validTo ?? ''}`,
            r.endedAt ? `ended ${r.endedAt}` : 'active',
          ].join('\t'),
        );
      if (rows.length === 0) console.log('代理人の登録はありません / no proxy registration');
      return 0;
    }
    if (!(await proxies.end(id))) return fail(`登録 ${id} はないか、終了しています`, `registration ${id} does not exist or has ended`);
    console.log(`終了しました / ended: ${id}`);
    return 0;
  } catch (e) {
    if (e instanceof ProxyInputError) return fail(e.ja, e.en);
    throw e;
  } finally {
    await closePlatform(p);
  }
}
