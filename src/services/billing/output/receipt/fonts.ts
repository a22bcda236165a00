/**
 * Noto Sans JP for the receipt PDF, read once (the same faces as the portal's my-data PDF; a shared loader would
 * replace this copy).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let faces: { regular: Buffer; bold: Buffer } | undefined;

export function japaneseFonts(): { regular: Buffer; bold: Buffer } {
  faces ??= {
    regular: readFileSync(require.resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf')),
    bold: readFileSync(require.resolve('@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf')),
  };
  return faces;
}
