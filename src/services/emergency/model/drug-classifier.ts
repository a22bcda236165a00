/**
 * The risk class of a drug line's code (risk-classes.ts): a YJ-shaped code (YJ, 一般名コード) directly; a receipt or HOT9
 * code through the drug master of the e-prescription service (its row's YJ / 薬価基準収載医薬品コード). The master is
 * loaded on first use and again after ten minutes (an import shows up by then).
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import { type DrugMaster, loadDrugMaster } from '../../eprescription/index.ts';
import { riskClassOf, type DrugClass } from './risk-classes.ts';

const RELOAD_MS = 10 * 60_000;

export class DrugClassifier {
  private master?: { loaded: number; value: Promise<DrugMaster> };

  constructor(private readonly db: Queryable) {}

  private current(): Promise<DrugMaster> {
    if (!this.master || Date.now() - this.master.loaded > RELOAD_MS) this.master = { loaded: Date.now(), value: loadDrugMaster(this.db) };
    return this.master.value;
  }

  async classOf(code: { system: string; code: string } | undefined, on: Date): Promise<DrugClass | undefined> {
    if (!code?.code) return undefined;
    if (code.code.length === 12) return riskClassOf(code.code);
    const found = (await this.current()).lookupCoding(code, on);
    if (!found || 'problem' in found) return undefined;
    return riskClassOf(found.yjCode ?? found.priceCode ?? found.generalCode);
  }
}
