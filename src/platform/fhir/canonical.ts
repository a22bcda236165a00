/** Base of Tsunagu's own canonical URLs (extensions, code systems, OperationDefinitions). */
export const TSUNAGU_CANONICAL = 'https://tsunagu.dev/fhir';

/** 医療機関コード as an identifier system (JP Core). */
export const FACILITY_CODE_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
