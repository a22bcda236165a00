/** 窓口負担 (window payment) of the fee calculation: insurance ratio, 高額療養費 cap, 公費 and 地単公費. */
export { computeCopay } from './compute.ts';
export { CopayInputError } from './errors.ts';
export { ageOn, elderlyFrom, isPreschool, schoolEntryDate } from './age.ts';
export { copayRatioOn, isKoukiInsurer, type RatioDecision } from './ratio.ts';
export { capOf, type CapDecision, seventyFifthBirthdayMonth } from './caps.ts';
export { CAP_TABLE, KOUKI_TRANSITION, type CapRow } from './cap-table.ts';
export { applicationOrder, PRIORITY as PROGRAMME_PRIORITY, PROGRAMMES } from './programmes.ts';
export { roundTo10Yen, roundToYen, shareOfCost } from './rounding.ts';
export { validateCopayInput } from './validate.ts';
