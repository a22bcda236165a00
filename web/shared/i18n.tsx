/**
 * 日本語 / English: a tiny dictionary mechanism. A text is `{ ja, en }`; `t(text)` picks the current language.
 * Japanese by default; the choice is kept in localStorage and set on `<html lang>`.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { Lang, Text } from './text.ts';

export { type Lang, type Text, texts } from './text.ts';

const STORAGE_KEY = 'tsunagu.lang';

export function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(text: Text): string;
}

const I18nContext = createContext<I18n>({ lang: 'ja', setLang: () => {}, t: (text) => text.ja });

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (text) => text[lang] }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = (): I18n => useContext(I18nContext);

/** Sets the document title in the current language (nothing when `text` is undefined). */
export function useTitle(text: Text | undefined): void {
  const { t } = useI18n();
  const title = text && t(text);
  useEffect(() => {
    if (title) document.title = title;
  }, [title]);
}

/** 言語切替: a button naming the other language, in that language. */
export function LanguageToggle() {
  const { lang, setLang } = useI18n();
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  return (
    <button type="button" className="secondary" lang={other} onClick={() => setLang(other)}>
      {other === 'en' ? 'English' : '日本語'}
    </button>
  );
}
