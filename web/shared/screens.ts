/**
 * 画面の登録: an app's tabs are the files of its `screens/` folder, each exporting `screen` (a Screen). The app
 * collects them with `import.meta.glob('./screens/*.tsx', { eager: true })` and `screensOf`, so a new screen is a new file.
 */
import type { ComponentType } from 'react';
import type { Session } from './pkce.ts';
import type { Text } from './text.ts';

export interface ScreenProps {
  session: Session;
}

export interface Screen {
  /** Its address in the app (`#id`): lowercase letters, digits and `-`. */
  id: string;
  /** Place among the tabs (ascending). */
  order: number;
  /** The tab's label and the screen's heading. */
  title: Text;
  Component: ComponentType<ScreenProps>;
  /** Whether the signed-in person sees the tab (e.g. by role); all do when absent. */
  available?: (session: Session) => boolean;
}

/** The screens of the modules found, in order; a module without a valid `screen` export is a programming error. */
export function screensOf(modules: Record<string, { screen?: Screen }>): Screen[] {
  const screens = Object.entries(modules).map(([file, m]) => {
    const s = m.screen;
    if (!s || !/^[a-z0-9-]+$/.test(s.id) || typeof s.Component !== 'function') throw new Error(`${file}: export a Screen named "screen"`);
    return s;
  });
  const ids = new Set<string>();
  for (const s of screens) {
    if (ids.has(s.id)) throw new Error(`two screens are named ${s.id}`);
    ids.add(s.id);
  }
  return screens.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}
