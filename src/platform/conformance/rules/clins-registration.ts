/**
 * Registration rules of the EHR information sharing service (電子カルテ情報共有サービス) that the
 * JP-CLINS 1.5.x snapshot package does not encode as constraints. The service applies them on
 * registration; Tsunagu, as that service, applies them too (loadConformance option
 * `registrationRules: false` turns them off for plain IG validation).
 *
 * Each rule cites where it comes from. Keep this list short and sourced: it is product policy,
 * not a place to fix up individual example files.
 */
import type { SupplementaryInvariant } from '../definitions.ts';

const LOCAL_CODE_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS';

export const CLINS_REGISTRATION_RULES: SupplementaryInvariant[] = [
  {
    // JP-CLINS rule R6022 (set with R6021): a lab result sent to the service carries the
    // facility's local test code besides any JLAC code ("Observation CLINS ではローカルコードの
    // 記述は必須"; later IG versions add it as invariant warn-localCode-observation-laboresult).
    profile: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS',
    elementId: 'Observation.code',
    key: 'clins-R6022-local-code',
    severity: 'error',
    human:
      'R6022: 電子カルテ情報共有サービスに登録する検体検査結果には、施設固有のローカルコード (JP_CLINS_ObsLabResult_LocalCode_CS) の coding が必須です / A lab result registered to the EHR sharing service must carry a local code coding',
    expression: `coding.where(system = '${LOCAL_CODE_SYSTEM}').exists()`,
    source: 'JP-CLINS registration rule R6022',
  },
];
