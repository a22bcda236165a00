/**
 * The receipt the service gives a pharmacy for a registered (or corrected, or cancelled) dispensing result: what was
 * registered, signed with the service's receipt key (receipt-key.ts) so the pharmacy can prove it offline. It names
 * the dispensing and the prescription by id, never the person; `resultSha256` binds it to the exact result stored
 * (SHA-256 of the RFC 8785 canonical JSON of the MedicationDispense list).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../signature/index.ts';
import { RECEIPT_TYPE } from '../model/fhir-codes.ts';
import type { DispensedLine } from '../pharmacy/dispensed-lines.ts';
import type { ReceiptSigner } from './receipt-key.ts';

export interface ReceiptFacts {
  dispensing: string;
  prescription: string;
  pharmacy: string;
  use: number;
  dispensedOn: string;
  state: 'registered' | 'corrected' | 'cancelled';
  version: number;
  at: Date;
  lines: DispensedLine[];
  result: unknown[];
}

export const resultDigest = (result: unknown[]) => createHash('sha256').update(canonicalJson(result)).digest('hex');

export function receiptContent(f: ReceiptFacts): Record<string, unknown> {
  return {
    type: RECEIPT_TYPE,
    dispensing: f.dispensing,
    prescription: f.prescription,
    pharmacy: f.pharmacy,
    use: f.use,
    dispensedOn: f.dispensedOn,
    state: f.state,
    version: f.version,
    issuedAt: f.at.toISOString(),
    lines: f.lines.map((l) => ({
      line: l.prescriptionLine,
      system: l.system,
      code: l.code,
      name: l.name,
      quantity: l.quantity,
      unit: l.unit,
      substituted: l.substituted,
    })),
    resultSha256: resultDigest(f.result),
  };
}

export const signReceipt = (signer: ReceiptSigner, f: ReceiptFacts) => signer.sign(receiptContent(f));
