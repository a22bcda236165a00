/** ダウンロード: own data as a FHIR Bundle and as a PDF, fetched with the token. Loaded on first use (download/). */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'download',
  order: 80,
  title: { ja: 'ダウンロード', en: 'Download' },
  Component: lazyScreen(() => import('../download/DownloadScreen.tsx')),
};
