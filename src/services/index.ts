/** Every service the application runs, in start order. */
import type { ServiceModule } from '../platform/service.ts';
import { billingService } from './billing/index.ts';
import { eligibilityService } from './eligibility/index.ts';
import { emergencyService } from './emergency/index.ts';
import { eprescriptionService } from './eprescription/index.ts';
import { portalService } from './portal/index.ts';
import { sharingService } from './sharing/index.ts';

export const allServices: ServiceModule[] = [eligibilityService, sharingService, eprescriptionService, portalService, emergencyService, billingService];
