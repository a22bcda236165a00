/**
 * `npm run bench` — every benchmark in one run; writes bench/results/<timestamp>.json and prints short tables.
 * `npm run bench -- --quick` runs shorter phases (smoke test); `--only=platform,validation,eligibility,durability,sharing,eprescription,web,billing` a subset.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { READ_RATE, benchPlatform } from './platform.ts';
import { benchValidate, formatValidateBench } from './validate.ts';
import { benchEligibility, eligibilityTable } from './eligibility.ts';
import { benchDurability, durabilityTable } from './durability.ts';
import { benchSharing, sharingTable } from './sharing.ts';
import { CHECKERS, WRITERS, benchEprescription, eprescriptionTable } from './eprescription.ts';
import { table } from './lib.ts';
import { benchWeb, webTable } from './web.ts';
import { benchBilling, billingTable } from './billing.ts';

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (section: string) => !only || only.includes(section);
const started = Date.now();
/** Seconds each section took (the whole run aims at under 10 minutes on the 2-core machine: 464 s on 2026-12-02). */
const sectionSeconds: Record<string, number> = {};
let sectionStart = Date.now();
const sectionDone = (name: string) => {
  sectionSeconds[name] = Math.round((Date.now() - sectionStart) / 1000);
  sectionStart = Date.now();
};
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  quick,
};

if (wanted('platform')) {
  const platform = await benchPlatform({ quick });
  results.platform = platform;
  sectionDone('platform');
  console.log('\n## FHIR store (create: 32 concurrent writers; read/search: 50 concurrent clients over HTTP)\n');
  console.log(
    table(
      platform.map((r) => ({
        engine: r.engine,
        'raw INSERT/s': r.baseline?.perSecond ?? '—',
        'batched raw INSERT/s': r.batchedBaseline?.perSecond ?? '—',
        'create/s (store)': r.createRepository.perSecond,
        '% of raw': r.createPercentOfBaseline !== undefined ? `${r.createPercentOfBaseline}%` : '—',
        '% of batched raw': r.createPercentOfBatched !== undefined ? `${r.createPercentOfBatched}%` : '—',
        'create/s (HTTP)': r.createHttp.requestsPerSecond,
        'HTTP % of raw': r.createHttpPercentOfBaseline !== undefined ? `${r.createHttpPercentOfBaseline}%` : '—',
        'HTTP % of batched raw': r.createHttpPercentOfBatched !== undefined ? `${r.createHttpPercentOfBatched}%` : '—',
        'create p99 ms': r.createHttp.p99,
        'read/s (max)': r.readHttp.requestsPerSecond,
        'read p50/p99 ms at max': `${r.readHttp.p50}/${r.readHttp.p99}`,
        'steady read/s': READ_RATE[r.engine as 'postgres' | 'pglite'],
        'read p50/p99 ms steady': `${r.readAtRate.p50}/${r.readAtRate.p99}`,
        'floor p50/p99 ms steady': r.floorAtRate ? `${r.floorAtRate.p50}/${r.floorAtRate.p99}` : '—',
        'search/s': r.searchHttp.requestsPerSecond,
        'search p50/p99 ms': `${r.searchHttp.p50}/${r.searchHttp.p99}`,
        errors: [r.createHttp, r.readHttp, r.searchHttp].reduce((n, x) => n + x.errors + x.non2xx, 0) + r.readAtRate.errors,
      })),
    ),
  );
  const batched = platform.find((r) => r.batchedBaseline)?.batchedBaseline;
  console.log(
    "\nraw: one INSERT of the JSON per statement and per commit (its rate follows the disk's commit latency). batched raw: the rows a" +
      (batched
        ? ` create writes (resources row of ${batched.contentChars} chars, ${batched.indexRowsPerResource} index rows, no audit)`
        : ' create writes (no audit)') +
      " in the store's batches (parallel 4, up to 16 per statement and commit" +
      platform
        .filter((r) => r.batchedBaseline)
        .map((r) => `; mean ${r.batchedBaseline!.meanBatch} on ${r.engine}`)
        .join('') +
      '); on PGlite one connection, so one batch at a time.',
  );
}

if (wanted('validation')) {
  const validation = await benchValidate({ quick });
  results.validation = validation;
  sectionDone('validation');
  console.log('\n## FHIR validation (shared JP-CLINS examples; ours vs @medplum/core on base R4)\n');
  console.log(formatValidateBench(validation));
}

if (wanted('eligibility')) {
  results.eligibility = await benchEligibility({ quick });
  sectionDone('eligibility');
  console.log('\n## Eligibility: My Number card verifications (challenge → card → $verify-card over HTTP, 50 readers)\n');
  console.log(table(eligibilityTable(results.eligibility as Awaited<ReturnType<typeof benchEligibility>>)));
}

if (wanted('durability')) {
  results.durability = await benchDurability({ quick });
  sectionDone('durability');
  console.log('\n## Embedded durability: FHIR creates (store) on PGlite with fsync on (default) and off\n');
  console.log(table(durabilityTable(results.durability as Awaited<ReturnType<typeof benchDurability>>)));
}

if (wanted('sharing')) {
  // The platform read floor of this run when the platform section measured it; else the section measures its own.
  const platformFloor = (results.platform as Awaited<ReturnType<typeof benchPlatform>> | undefined)?.find((r) => r.engine === 'postgres')?.floorAtRate;
  const sharing = await benchSharing({ quick, floor: platformFloor });
  results.sharing = sharing ?? { skipped: true };
  sectionDone('sharing');
  if (sharing) {
    const h = sharing.history;
    console.log(
      `\n## EHR sharing on PostgreSQL: $register-clinical-information (${sharing.bundle.category}) vs a plain transaction of the same resources; Patient/[id]/$clinical-information of one person\n`,
    );
    console.log(table(sharingTable(sharing)));
    const kinds = Object.entries(h.byKind).map(([k, v]) => `${k} ${v}`);
    console.log(`\nthe person's history: ${h.registered} items in ${h.registrations} Bundles (${kinds.join(', ')}); ${h.expectedInForce} in force.`);
  }
}

if (wanted('eprescription')) {
  const erx = await benchEprescription({ quick });
  results.eprescription = erx ?? { skipped: true };
  sectionDone('eprescription');
  if (erx) {
    console.log(
      `\n## E-prescription on PostgreSQL: $check-prescription (${CHECKERS} callers), signed $register-prescription and register → accept → dispense (${WRITERS} clients) vs plain FHIR creates\n`,
    );
    console.log(table(eprescriptionTable(erx)));
    console.log(
      `\ninteraction data: ${erx.rules.imported} contraindicated pairs imported (${erx.rules.contraindications} with the sample's) and ${erx.rules.duplicateClasses} duplicate classes, in ${erx.rules.importMs} ms; ${erx.people} people registered; ${erx.signing.prescriptions} prescriptions (${Math.round(erx.signing.bundleBytes / 1024)} KB) signed in ${erx.signing.seconds} s before the timed loops; server start ${erx.serverStartSeconds} s.`,
    );
  }
}

if (wanted('web')) {
  const web = await benchWeb({ quick });
  results.web = web;
  sectionDone('web');
  if ('skipped' in web) console.log(`\n## Web apps: skipped (${web.skipped})`);
  else {
    console.log(`\n## Web apps in headless Chromium with the demo world (seeded in ${web.seedSeconds} s; ${web.runs} fresh browser profiles)\n`);
    console.log(table(webTable(web)));
    console.log(
      `\ninitial JS (gzipped): ${Object.entries(web.initialJsKB)
        .map(([k, v]) => `${k} ${v} KB`)
        .join(', ')}`,
    );
  }
}

if (wanted('billing')) {
  const billing = await benchBilling({ quick });
  results.billing = billing;
  sectionDone('billing');
  console.log(`\n## Fee calculation: a clinic's month, ${billing.visits} visits of ${billing.patients} patients (sample master, in process)\n`);
  console.log(table(billingTable(billing)));
}

results.seconds = Math.round((Date.now() - started) / 1000);
results.sectionSeconds = sectionSeconds;
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `\nresults: ${file} (${results.seconds} s: ${Object.entries(sectionSeconds)
    .map(([k, v]) => `${k} ${v} s`)
    .join(', ')})`,
);
