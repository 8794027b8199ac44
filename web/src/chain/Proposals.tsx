/** Re-running a chain's diagnostics proposals, and what it changed. */
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Popconfirm } from 'antd';
import { useRunProposals, type ProposalsResult } from '../api/queries.lists';
import { useAuth } from '../auth';
import { useErrorText } from '../components/common';
import { useLang } from '../i18n';

/** "新增 3 条、更新 2 条 …" */
export function ProposalsSummary({ r }: { r: ProposalsResult }) {
  const { t } = useLang();
  return (
    <Alert
      type="success"
      showIcon
      data-testid="proposals-result"
      title={t('rules.rerunDone')}
      description={t('rules.rerunResult', {
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        stale: r.stale,
        refreshed: r.refreshed,
        keptDecided: r.keptDecided,
        ms: Math.round(r.tookMs),
      })}
    />
  );
}

/** "重新诊断" for officials and administrators (it decides nothing, so any region may run it). */
export function RerunButton({ chainCode, onDone, size }: { chainCode: string; onDone?: (r: ProposalsResult) => void; size?: 'small' | 'middle' }) {
  const { t } = useLang();
  const { user } = useAuth();
  const { message } = App.useApp();
  const errText = useErrorText();
  const run = useRunProposals(chainCode);
  if (user?.role !== 'admin' && user?.role !== 'official') return null;
  return (
    <Popconfirm title={t('rules.rerun')} description={<div style={{ maxWidth: 320 }}>{t('rules.rerunHint')}</div>} onConfirm={() => run.mutateAsync().then(onDone, (e) => message.error(errText(e)))}>
      <Button icon={<ReloadOutlined />} loading={run.isPending} size={size} data-testid="rerun-proposals">
        {t('rules.rerun')}
      </Button>
    </Popconfirm>
  );
}

