import { Segmented } from 'antd';
import { useLang } from '../i18n';

/** 中文 / English switch; the choice is kept in localStorage. */
export function LangSwitch({ size = 'middle' }: { size?: 'small' | 'middle' | 'large' }) {
  const { lang, setLang } = useLang();
  return (
    <Segmented
      size={size}
      data-testid="lang-switch"
      value={lang}
      onChange={(v) => setLang(v as 'zh' | 'en')}
      options={[
        { label: '中文', value: 'zh' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
