import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, zh, type DictKey } from './dict';
import type { Lang } from './vocab';

export type { DictKey } from './dict';
export type TFunc = (key: DictKey, vars?: Record<string, string | number>) => string;

const STORAGE_KEY = 'chainatlas.lang';

function initialLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'en' || v === 'zh') return v;
  } catch {
    /* storage unavailable */
  }
  return 'zh';
}

export function translate(lang: Lang, key: DictKey, vars?: Record<string, string | number>): string {
  let s: string = (lang === 'en' ? en : zh)[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

interface LangValue {
  lang: Lang;
  setLang(l: Lang): void;
  t: TFunc;
  /** Pick the Chinese or English form of a bilingual pair; English falls back to Chinese. */
  pick(zhText: string | null | undefined, enText: string | null | undefined): string;
}

const LangContext = createContext<LangValue | null>(null);

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* storage unavailable */
    }
  }, []);
  const value = useMemo<LangValue>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      pick: (z, e) => (lang === 'en' && e ? e : (z ?? e ?? '')),
    }),
    [lang, setLang],
  );
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang(): LangValue {
  const v = useContext(LangContext);
  if (!v) throw new Error('useLang outside LangProvider');
  return v;
}
