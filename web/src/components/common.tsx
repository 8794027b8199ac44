import { Alert, Button, Spin, Tag } from 'antd';
import { useLang } from '../i18n';
import { ApiError } from '../api/client';
import { pickLang, regionKey, REGION_NAMES, REGION_TAG } from '../i18n/vocab';

export function PageSpin() {
  return (
    <div className="page-spin">
      <Spin size="large" />
    </div>
  );
}

/** The message of an error, in the current language. */
export function useErrorText() {
  const { lang } = useLang();
  return (e: unknown) => (e instanceof ApiError || e instanceof Error ? pickLang(e.message, lang) : String(e));
}

export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useLang();
  const text = useErrorText();
  return (
    <Alert
      type="error"
      showIcon
      title={t('app.error')}
      description={text(error)}
      action={
        onRetry && (
          <Button size="small" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        )
      }
    />
  );
}

export function RegionTag({ region }: { region: string | null | undefined }) {
  const { lang } = useLang();
  const k = regionKey(region);
  return <Tag color={REGION_TAG[k]}>{REGION_NAMES[k][lang]}</Tag>;
}

export function formatTime(iso: string | null | undefined, lang: 'zh' | 'en'): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** "朝阳区 · 北京市 · 北京市" → "北京市 · 朝阳区": province first, without repeats or 市辖区. */
export function placePath(place: Array<{ name: string; level: number }>): string {
  const names: string[] = [];
  for (const p of [...place].sort((a, b) => a.level - b.level)) {
    if (/^(市辖区|县)$/.test(p.name) || names[names.length - 1] === p.name) continue;
    names.push(p.name);
  }
  return names.join(' · ');
}
