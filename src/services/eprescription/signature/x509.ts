/**
 * @peculiar/x509 with its runtime requirements met (Reflect metadata, Node's WebCrypto as provider) — the same set-up
 * as the eligibility service's reception/card/x509.ts, which its entry point does not export.
 */
import 'reflect-metadata'; // @peculiar/x509 needs the Reflect metadata API
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
