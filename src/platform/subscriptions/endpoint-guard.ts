/**
 * Where rest-hook notifications may go. The platform posts to an address a client chose, so it must not become a way
 * into the operator's own network (SSRF): by default an endpoint is `https` to a public address — refused at create
 * when its host is a loopback, private, link-local or otherwise non-public literal address or `localhost`, and at
 * every connection when its name resolves to one (a name that later points inward is caught there). An operator
 * allows plain http to this machine and private addresses with TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS=1 (development,
 * tests, a receiver inside a closed network).
 */
import dns from 'node:dns';
import net from 'node:net';

/** Address ranges a notification is never sent to unless private endpoints are allowed. */
const NON_PUBLIC = new net.BlockList();
for (const [range, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  NON_PUBLIC.addSubnet(range, bits, 'ipv4');
for (const [range, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC.addSubnet(range, bits, 'ipv6');

/** Is this IP address (v4, v6 or v4-mapped v6) one notifications must not reach by default? */
export function isNonPublicAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return NON_PUBLIC.check(mapped[1], 'ipv4');
  return NON_PUBLIC.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** The refusal of an endpoint URL at create (undefined: acceptable), given whether private endpoints are allowed. */
export function endpointRefusal(url: URL, allowPrivate: boolean): { ja: string; en: string } | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || isNonPublicAddress(host);
  if (url.protocol === 'http:' && !(allowPrivate && local))
    return {
      ja: '通知先は https の URL です（http は運用者が許可した場合のこのマシンだけ）',
      en: 'channel.endpoint must be https (plain http only to this machine, when the operator allows private endpoints)',
    };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ja: '通知先は https の URL です', en: 'channel.endpoint must be https' };
  if (local && !allowPrivate)
    return {
      ja: '通知先に内部のアドレス（localhost・プライベート・リンクローカル）は指定できません',
      en: 'channel.endpoint must not be a loopback, private or link-local address',
    };
  return undefined;
}

/** A `lookup` for http(s).request that refuses names resolving to non-public addresses (unless allowed). */
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      const bad = !allowPrivate && list.find((a) => isNonPublicAddress(a.address));
      if (bad) return callback(Object.assign(new Error(`${hostname} resolves to a non-public address (${bad.address})`), { code: 'ENOTPUBLIC' }), '', 0);
      if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
