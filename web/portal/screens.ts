/** The portal's tabs: every `screens/*.tsx` exporting `screen` (shared/screens.ts). */
import { type Screen, screensOf } from '../shared/screens.ts';

export const PORTAL_SCREENS: Screen[] = screensOf(import.meta.glob<{ screen?: Screen }>('./screens/*.tsx', { eager: true }));
