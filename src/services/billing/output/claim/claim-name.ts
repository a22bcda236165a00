/**
 * 氏名 as the claim file can hold it: the レセ電 record allows JIS X 0208 characters only, so a name registered with a
 * character outside it (髙, 﨑, 𠮷 …: IBM extensions and JIS X 0213 forms) is written with its everyday form, and the
 * change is reported (never silent). Variation selectors are dropped (the base character stays). A character with no
 * known everyday form still makes the encoder refuse the field.
 */

/** Characters outside JIS X 0208 common in names → the form JIS X 0208 holds. */
const EVERYDAY_FORM: Record<string, string> = {
  髙: '高',
  﨑: '崎',
  𠮷: '吉',
  濵: '浜',
  德: '徳',
  '\ufa10': '塚',
  '\ufa12': '晴',
};

const VARIATION_SELECTOR = /[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g;

export function claimName(name: string): { text: string; changed: boolean } {
  const text = [...name.replace(VARIATION_SELECTOR, '')].map((c) => EVERYDAY_FORM[c] ?? c).join('');
  return { text, changed: text !== name };
}
