/**
 * The emergency and disaster service (救急時医療情報閲覧・災害時, MISSION.md S8): access to a person's essential
 * information without consent, only through its workflows, each strictly recorded, notified to the person and
 * reviewed afterwards; and the offline emergency summary as a SMART Health Card. See docs/emergency.md.
 *
 * This file is the service's only entry point. The sub-folders, by job:
 *   model/        reasons, drug risk classes, prefectures, settings, the runtime
 *   access/       who may use which workflow, identifying the person (card without PIN, name + birth date + sex),
 *                 declaring an access, its row, the person's notice (Communication + topic event)
 *   view/         the essential set and its parameters, $emergency-view, the health card issue
 *   review/       the facility's review list, the operator's report, the person's own list
 *   ambulance/    $ambulance-lookup (救急隊)
 *   disaster/     disaster declarations and $disaster-view
 *   health-card/  SMART Health Cards: sign, numeric QR, verify offline (no network), the signing key
 *   schema/       the service's migrations (versions 500–599)
 *   http/         the FHIR operations and their specs
 * No grant is ever written: the generic API stays closed to emergency callers; every view is the service's own read,
 * audited with purpose ETREAT (emergency, ambulance) or DISASTER. Settings: TSUNAGU_EMERGENCY_HOURS,
 * TSUNAGU_EMERGENCY_HISTORY_DAYS (model/emergency-config.ts).
 */
import type { ServiceContext, ServiceModule } from '../../platform/service.ts';
import { EMERGENCY_ACCESS_TOPIC, noticeGuard } from './access/notice.ts';
import { healthCardKeysMigration, loadHealthCardSigner } from './health-card/index.ts';
import { registerEmergencyOperations } from './http/operations.ts';
import { DrugClassifier } from './model/drug-classifier.ts';
import { emergencyConfig, type EmergencyConfig } from './model/emergency-config.ts';
import { systemClock, type Clock } from './model/runtime.ts';
import { emergencyMigration } from './schema/schema.ts';

export interface EmergencyOptions {
  /** The service's time (tests move it). */
  clock?: Clock;
}

export function createEmergencyService(options: EmergencyOptions = {}): ServiceModule<EmergencyConfig> {
  return {
    name: 'emergency',
    migrations: [emergencyMigration, healthCardKeysMigration],
    config: emergencyConfig,
    async register({ platform, app, operations, config }: ServiceContext<EmergencyConfig>) {
      const signer = await loadHealthCardSigner(platform.db);
      platform.subscriptions.topics.register({
        url: EMERGENCY_ACCESS_TOPIC,
        title: '救急時・災害時の閲覧 / Emergency access to my data',
        description: "the subscribing patient's data was viewed without consent (emergency view, ambulance lookup, disaster view)",
        resourceTypes: ['Communication'],
      });
      platform.policy.addWriteRule(noticeGuard());
      registerEmergencyOperations(operations, { platform, clock: options.clock ?? systemClock, config, signer, drugClasses: new DrugClassifier(platform.db) });
      // The issuer's key set (SMART Health Cards: `${iss}/.well-known/jwks.json`), public.
      app.get('/shc/.well-known/jwks.json', async (_req, reply) => {
        reply.header('cache-control', 'public, max-age=3600').header('access-control-allow-origin', '*');
        return signer.jwks();
      });
    },
  };
}

export const emergencyService = createEmergencyService();

export { EMERGENCY_SPECS } from './http/specs.ts';
export { EMERGENCY_REASONS, EMERGENCY_REASON_CODES, type EmergencyReason } from './model/reasons.ts';
export { riskClassOf } from './model/risk-classes.ts';
export { EMERGENCY_ACCESS_TOPIC } from './access/notice.ts';
export { HealthCardError, fromNumericQr, toNumericQr, verifyHealthCard, type EmergencySummary } from './health-card/index.ts';
