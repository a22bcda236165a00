/**
 * The layout of the 診療報酬情報提供サービス 医薬品マスター (`y.csv`) both the sharing service's YJ code list and the
 * e-prescription service's drug master read (the column meanings are documented where each reads them).
 */
/** Column positions (0-based) of the 医薬品マスター; the defaults are the official layout (below). */
export interface DrugMasterColumns {
  masterType: number;
  receiptCode: number;
  name: number;
  abolished: number;
  yj: number;
  transitional: number;
  listed: number;
  generalCode: number;
  generalName: number;
}
export const DRUG_MASTER_COLUMNS: DrugMasterColumns = {
  masterType: 1,
  receiptCode: 2,
  name: 4,
  abolished: 30,
  yj: 31,
  transitional: 33,
  listed: 35,
  generalCode: 36,
  generalName: 37,
};
