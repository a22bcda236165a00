/**
 * THE SEAM TO A REAL CARD READER: the reception software talks to the card only through `CardReader`.
 * A production implementation drives a 顔認証付きカードリーダー over PC/SC: it selects the JPKI AP,
 * reads the 利用者証明用電子証明書 (no PIN), and has the chip sign the platform's challenge after the
 * holder enters the PIN on the reader or the reader's face match succeeds. `SimulatedCardReader` does the
 * same with a virtual card file.
 */
import type { Card, HolderProof, SignResult } from './card.ts';

export interface CardReader {
  /** The user certificate and intermediates (DER), readable without a PIN. */
  readCertificate(): Promise<{ certificate: Uint8Array; chain: Uint8Array[] }>;
  /** Has the card sign `challenge` once the holder is verified by PIN or by face. */
  authenticate(challenge: string, proof: HolderProof): Promise<SignResult>;
}

export class SimulatedCardReader implements CardReader {
  constructor(private readonly card: Card) {}

  async readCertificate(): Promise<{ certificate: Uint8Array; chain: Uint8Array[] }> {
    return this.card.readCertificate();
  }

  authenticate(challenge: string, proof: HolderProof): Promise<SignResult> {
    return this.card.sign(challenge, proof);
  }
}
