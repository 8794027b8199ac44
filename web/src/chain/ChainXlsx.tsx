/**
 * The chain map as xlsx: 导出 xlsx for everyone (a plain download link; the session cookie goes along),
 * 导入 xlsx for users who may edit the chain: the file is sent as the request body to
 * POST /api/chains/import, first as a dry run (preview of what changes), then for real on
 * confirmation. A refused sheet lists its problems by sheet, row and column.
 */
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Modal, Space, Table, Tooltip, Upload } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, request } from '../api/client';
import type { ChainDetail, SessionInfo } from '../api/types';
import { useErrorText } from '../components/common';
import { useLang } from '../i18n';
import { pickLang } from '../i18n/vocab';
import type { ChainImportReport } from '../../../src/modules/chains/chains.io.ts';

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const chainXlsxUrl = (code: string) => `/api/chains/${encodeURIComponent(code)}/export.xlsx`;

/** A refused import with the server's list of sheet problems (`details.issues`: several may share a cell). */
class ImportError extends ApiError {
  readonly issues: Array<{ sheet: string; row: number; field: string; reason: string }> | undefined;
  constructor(status: number, code: string, message: string, fields: Record<string, string> | undefined, issues: ImportError['issues']) {
    super(status, code, message, fields);
    this.issues = issues;
  }
}

/** POST the file itself (not JSON) with the session's CSRF token; errors become ApiError like the JSON client's. */
async function postWorkbook(file: File, dryRun: boolean): Promise<ChainImportReport> {
  // The client keeps the CSRF token private; /api/auth/me hands out the same session's token.
  const me = await request<SessionInfo>('GET', '/api/auth/me');
  let res: Response;
  try {
    res = await fetch(`/api/chains/import${dryRun ? '?dryRun=1' : ''}`, {
      method: 'POST',
      headers: { 'content-type': XLSX_MIME, accept: 'application/json', 'x-csrf-token': me.csrfToken },
      body: file,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network.failed', '无法连接服务器 / cannot reach the server');
  }
  const text = await res.text();
  let data: any;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = data?.error;
    const issues = Array.isArray(err?.details?.issues) ? err.details.issues : undefined;
    throw new ImportError(res.status, err?.code ?? `http.${res.status}`, err?.message ?? `${res.status} ${res.statusText}`, err?.fields, issues);
  }
  return data as ChainImportReport;
}

interface SheetProblem {
  key: string;
  sheet: string;
  row: string;
  field: string;
  reason: string;
}
/** The problems of a refused sheet: the server's issues, else its fields (keyed `节点!3:阶段`). */
function sheetProblems(e: unknown, lang: 'zh' | 'en'): SheetProblem[] {
  if (!(e instanceof ApiError) || e.code !== 'chains.invalid_sheet') return [];
  if (e instanceof ImportError && e.issues?.length)
    return e.issues.map((i, n) => ({ key: String(n), sheet: i.sheet, row: i.row ? String(i.row) : '—', field: i.field, reason: pickLang(i.reason, lang) }));
  return Object.entries(e.fields ?? {}).map(([k, reason]) => {
    const m = /^(.*)!(\d+):(.*)$/.exec(k);
    return { key: k, sheet: m?.[1] ?? '', row: m ? (m[2] === '0' ? '—' : m[2]) : '', field: m?.[3] ?? k, reason: pickLang(reason, lang) };
  });
}

type ImportState =
  | { phase: 'checking'; file: File }
  | { phase: 'preview'; file: File; report: ChainImportReport; busy: boolean; error: unknown }
  | { phase: 'done'; file: File; report: ChainImportReport }
  | { phase: 'error'; file: File; error: unknown };

const isEmpty = (r: ChainImportReport) =>
  !r.created && !r.nodes.added && !r.nodes.updated && !r.nodes.removed && !r.edges.added && !r.edges.removed && !r.segments.added && !r.segments.updated && !r.segments.removed;

export function ChainXlsxButtons({ chain }: { chain: ChainDetail }) {
  const { t, lang } = useLang();
  const qc = useQueryClient();
  const errorText = useErrorText();
  const [state, setState] = useState<ImportState | null>(null);

  const check = async (file: File) => {
    setState({ phase: 'checking', file });
    try {
      const report = await postWorkbook(file, true);
      setState({ phase: 'preview', file, report, busy: false, error: null });
    } catch (e) {
      setState({ phase: 'error', file, error: e });
    }
  };
  const confirm = async () => {
    if (state?.phase !== 'preview') return;
    const { file } = state;
    setState({ ...state, busy: true, error: null });
    try {
      const report = await postWorkbook(file, false);
      setState({ phase: 'done', file, report });
    } catch (e) {
      setState({ ...state, busy: false, error: e });
    } finally {
      void qc.invalidateQueries({ queryKey: ['chains'] });
      void qc.invalidateQueries({ queryKey: ['diagnostics'] });
      void qc.invalidateQueries({ queryKey: ['node-orgs'] });
      void qc.invalidateQueries({ queryKey: ['lists'] });
      await qc.invalidateQueries({ queryKey: ['chain'] });
    }
  };

  const report = state && (state.phase === 'preview' || state.phase === 'done') ? state.report : null;
  const error = state?.phase === 'error' ? state.error : state?.phase === 'preview' ? state.error : null;
  const problems = error ? sheetProblems(error, lang) : [];
  const sep = lang === 'zh' ? '，' : ', ';
  const counts = (c: { added: number; updated?: number; removed: number }) =>
    [t('chainEdit.xlsx.added', { n: c.added }), ...(c.updated !== undefined ? [t('chainEdit.xlsx.updated', { n: c.updated })] : []), t('chainEdit.xlsx.removed', { n: c.removed })].join(sep);

  return (
    <>
      <Space size={8}>
        <Tooltip title={t('chainEdit.xlsx.exportHint')}>
          <Button icon={<DownloadOutlined />} href={chainXlsxUrl(chain.code)} download={`chain-${chain.code}.xlsx`} data-testid="chain-export">
            {t('chainEdit.xlsx.export')}
          </Button>
        </Tooltip>
        {chain.canEdit && (
          <Upload
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            showUploadList={false}
            maxCount={1}
            beforeUpload={(file) => {
              void check(file);
              return false;
            }}
          >
            <Tooltip title={t('chainEdit.xlsx.importHint')}>
              <Button icon={<UploadOutlined />} loading={state?.phase === 'checking'} data-testid="chain-import">
                {t('chainEdit.xlsx.import')}
              </Button>
            </Tooltip>
          </Upload>
        )}
      </Space>
      <Modal
        open={!!state && state.phase !== 'checking'}
        width={640}
        title={
          state &&
          (state.phase === 'done'
            ? t('chainEdit.xlsx.resultTitle', { file: state.file.name })
            : state.phase === 'error'
              ? t('chainEdit.xlsx.errorTitle', { file: state.file.name })
              : t('chainEdit.xlsx.previewTitle', { file: state.file.name }))
        }
        onCancel={() => setState(null)}
        maskClosable={false}
        destroyOnHidden
        data-testid="chain-import-modal"
        footer={
          state?.phase === 'preview' ? (
            <Space>
              <Button onClick={() => setState(null)}>{t('chainEdit.cancel')}</Button>
              <Button type="primary" danger={report ? report.nodes.removedWithAttachments.length > 0 : false} loading={state.busy} onClick={() => void confirm()} data-testid="chain-import-confirm">
                {t('chainEdit.xlsx.confirm')}
              </Button>
            </Space>
          ) : (
            <Button type="primary" onClick={() => setState(null)} data-testid="chain-import-close">
              {t('chainEdit.xlsx.close')}
            </Button>
          )
        }
      >
        {report && (
          <div data-testid="chain-import-report">
            {report.code !== chain.code && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 10 }}
                title={
                  report.created
                    ? t(state?.phase === 'done' ? 'chainEdit.xlsx.createdDone' : 'chainEdit.xlsx.created', { code: report.code })
                    : t('chainEdit.xlsx.otherChain', { code: report.code })
                }
                action={state?.phase === 'done' ? <Link to={`/chains/${encodeURIComponent(report.code)}`} onClick={() => setState(null)}>{t('chainEdit.xlsx.openChain')}</Link> : undefined}
              />
            )}
            <Alert
              type={isEmpty(report) ? 'success' : state?.phase === 'done' ? 'success' : 'info'}
              showIcon
              style={{ marginBottom: 10 }}
              data-testid="chain-import-summary"
              title={isEmpty(report) ? t('chainEdit.xlsx.noChange') : state?.phase === 'done' ? t('chainEdit.xlsx.changed') : t('chainEdit.xlsx.willChange')}
            />
            <Descriptions size="small" column={1} bordered styles={{ label: { width: 120 } }}>
              <Descriptions.Item label={t('chainEdit.xlsx.segments')}>
                <span data-testid="chain-import-segments">{counts(report.segments)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('chainEdit.xlsx.nodes')}>
                <span data-testid="chain-import-nodes">{counts(report.nodes)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('chainEdit.xlsx.edges')}>
                <span data-testid="chain-import-edges">{counts(report.edges)}</span>
              </Descriptions.Item>
            </Descriptions>
            {report.nodes.removedWithAttachments.length > 0 && (
              <Alert
                type="warning"
                showIcon
                style={{ marginTop: 10 }}
                title={t('chainEdit.xlsx.removedWithLinks')}
                description={report.nodes.removedWithAttachments.map((r) => t('chainEdit.xlsx.removedWithLinksItem', { name: r.name, n: r.attachments })).join(lang === 'zh' ? '；' : '; ')}
              />
            )}
          </div>
        )}
        {error != null && (
          <div data-testid="chain-import-error" style={{ marginTop: report ? 12 : 0 }}>
            {problems.length > 0 ? (
              <>
                <Alert type="error" showIcon title={t('chainEdit.xlsx.rowErrors', { n: problems.length })} style={{ marginBottom: 8 }} />
                <Table<SheetProblem>
                  size="small"
                  rowKey="key"
                  pagination={false}
                  scroll={{ y: 320 }}
                  dataSource={problems}
                  columns={[
                    { title: t('chainEdit.xlsx.col.sheet'), dataIndex: 'sheet', width: 80 },
                    { title: t('chainEdit.xlsx.col.row'), dataIndex: 'row', width: 56 },
                    { title: t('chainEdit.xlsx.col.field'), dataIndex: 'field', width: 96 },
                    { title: t('chainEdit.xlsx.col.reason'), dataIndex: 'reason' },
                  ]}
                />
              </>
            ) : (
              <Alert type="error" showIcon title={`${t('chainEdit.failed')}${lang === 'zh' ? '：' : ': '}${errorText(error)}`} />
            )}
          </div>
        )}
      </Modal>
    </>
  );
}
