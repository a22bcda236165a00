/**
 * The application as the demo seeds it: the usual services, the sharing, e-prescription and emergency services reading the
 * demo's clock (the real time except while an event of the past is being seeded) and trusting the demo's test HPKI,
 * and the IG packages the data are validated against (found beside the checkout when TSUNAGU_IG names none).
 */
import { createTsunagu, type CreateOptions, type Tsunagu } from '../app.ts';
import type { PlatformConfig } from '../platform/config.ts';
import type { ServiceModule } from '../platform/service.ts';
import { allServices } from '../services/index.ts';
import { type EprescriptionOptions, createEprescriptionService, trustFromDirectory } from '../services/eprescription/index.ts';
import { createEmergencyService } from '../services/emergency/index.ts';
import { createSharingService } from '../services/sharing/index.ts';
import { DemoClock } from './calendar.ts';
import { prepareDemoFiles } from './files.ts';
import { findDemoPackages } from './packages.ts';

/** Every service the application runs, the sharing, e-prescription and emergency services on the demo's clock (and trust). */
export function demoServices(clock: DemoClock, trust?: EprescriptionOptions['trust']): ServiceModule[] {
  return allServices.map((s) =>
    s.name === 'sharing'
      ? createSharingService({ clock: clock.get })
      : s.name === 'eprescription'
        ? createEprescriptionService({ clock: clock.get, trust })
        : s.name === 'emergency'
          ? createEmergencyService({ clock: clock.get })
          : s,
  );
}

export interface DemoTsunagu {
  t: Tsunagu;
  clock: DemoClock;
}

/**
 * Prepares the demo's files in `config.dataDir`, then creates the application with the demo's services. The IG
 * packages: `config.igPackages` when it names any, else those found beside the checkout (packages.ts).
 */
export async function createDemoTsunagu(config: PlatformConfig, opts: Omit<CreateOptions, 'services'> & { now?: Date } = {}): Promise<DemoTsunagu> {
  const { hpki } = await prepareDemoFiles(config, opts.now);
  const clock = new DemoClock();
  const igPackages = config.igPackages.length > 0 ? config.igPackages : findDemoPackages();
  const t = await createTsunagu({ ...config, igPackages }, { ...opts, services: demoServices(clock, await trustFromDirectory(hpki.trustDir)) });
  return { t, clock };
}
