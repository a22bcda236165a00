/**
 * What the platform trusts for card verification, loaded from a directory the operator configures
 * (TSUNAGU_CARD_TRUST_DIR, default `<data>/card/trust`):
 *   *.crt.pem  trusted CA certificates (anchors)     *.int.pem  intermediate CA certificates
 *   *.crl.pem  CRLs (must be signed by a known CA)
 * Only certificates placed there are trusted — an empty directory trusts nothing. The directory is re-read
 * when its contents change (checked every few seconds, and on demand), so publishing a new CRL takes effect
 * without a restart. A real deployment replaces this with a TrustStore fed from J-LIS (see card/trust-store.ts);
 * everything above it stays the same.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StaticTrustStore, type CaCertificate, type RevocationEntry, type TrustStore } from './card/trust-store.ts';

/** A TrustStore whose contents can be swapped; its version only grows, so verifier caches stay correct. */
export class ReloadableTrustStore implements TrustStore {
  private current: StaticTrustStore = new StaticTrustStore();
  private base = 0;
  private signature = '';
  private timer: NodeJS.Timeout | undefined;
  /** Problems of the last load (unreadable file, CRL from an unknown CA …). */
  lastError: string | undefined;

  constructor(readonly dir: string | undefined) {}

  get version(): number {
    return this.base + this.current.version;
  }

  anchors(): readonly CaCertificate[] {
    return this.current.anchors();
  }

  intermediates(): readonly CaCertificate[] {
    return this.current.intermediates();
  }

  revocation(caFingerprint: string, serial: string): RevocationEntry | undefined {
    return this.current.revocation(caFingerprint, serial);
  }

  hasCurrentRevocationData(caFingerprint: string, at: Date): boolean {
    return this.current.hasCurrentRevocationData(caFingerprint, at);
  }

  /** Replaces the contents (tests, or a deployment feeding the store from elsewhere). */
  replace(store: StaticTrustStore): void {
    this.base += 1_000_000;
    this.current = store;
  }

  private async dirSignature(): Promise<string> {
    if (!this.dir) return '';
    try {
      const names = (await readdir(this.dir)).filter((n) => n.endsWith('.pem')).sort();
      const parts = await Promise.all(names.map(async (n) => `${n}:${(await stat(join(this.dir!, n))).mtimeMs}`));
      return parts.join('|');
    } catch {
      return 'missing';
    }
  }

  /** Re-reads the directory if it changed (or when forced). Returns true when the contents were replaced. */
  async reload(force = false): Promise<boolean> {
    if (!this.dir) return false;
    const sig = await this.dirSignature();
    if (!force && sig === this.signature) return false;
    this.signature = sig;
    if (sig === 'missing') {
      this.replace(new StaticTrustStore());
      return true;
    }
    try {
      this.replace(await StaticTrustStore.fromDirectory(this.dir));
      this.lastError = undefined;
    } catch (err) {
      // Keep what was trusted before rather than trusting nothing (or everything) on a half-written file.
      this.lastError = (err as Error).message;
      this.signature = '';
      return false;
    }
    return true;
  }

  /** Checks the directory every `ms` milliseconds. */
  watch(ms: number): void {
    if (ms <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.reload().catch(() => undefined), ms);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
