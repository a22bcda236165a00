/** The pharmacy app's tabs: every `screens/*.tsx` exporting `screen` (shared/screens.ts). */
import { type Screen, screensOf } from '../shared/screens.ts';

export const PHARMACY_SCREENS: Screen[] = screensOf(import.meta.glob<{ screen?: Screen }>('./screens/*.tsx', { eager: true }));
