import { ArrowDownOutlined, ArrowUpOutlined, MinusOutlined, ReloadOutlined, SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Popconfirm, Result, Row, Segmented, Select, Skeleton, Slider, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useMatches, usePostings, usePreferences, useSavePreferences, type MatchItem, type MatchSettings, type PreferenceScope } from '../../api/queries.matching';
import { useAuth } from '../../auth';
import { ErrorAlert, formatTime, RegionTag, useErrorText } from '../../components/common';
import { useLang } from '../../i18n';
import { REGION_NAMES, type RegionOrOutside } from '../../i18n/vocab';
import { MatchingNav, useCanTune } from './common';
import { ScoreBar } from './MatchList';
import { MATCH_STAGE_NAMES, MATCH_STAGES, nameOf, SIGNAL_COLORS, SIGNAL_NAMES, SIGNALS, type MatchStage } from './vocab';

const SCOPES: PreferenceScope[] = ['global', 'BJ', 'TJ', 'HE'];
const ROUTE_REGIONS: RegionOrOutside[] = ['BJ', 'TJ', 'HE', 'outside'];
const keyOf = (it: MatchItem) => `${it.type}-${it.posting?.id ?? it.organization.id}`;

function Ranking({ postingId, before }: { postingId: number; before: Map<string, number> | null }) {
  const { t, lang } = useLang();
  const m = useMatches(postingId, { limit: 10 });
  if (m.isError) return <ErrorAlert error={m.error} onRetry={() => m.refetch()} />;
  if (m.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  return (
    <div>
      <div className="match-query" style={{ marginBottom: 8 }}>
        <span>
          {t('matching.match.stage')}
          <Tag color="orange" style={{ marginInlineStart: 4 }}>
            {nameOf(MATCH_STAGE_NAMES, m.data.query.stage, lang)}
          </Tag>
        </span>
        <span data-testid="ranking-scope">
          {t('matching.match.prefs')}
          <Tag style={{ marginInlineStart: 4 }}>{m.data.query.preferenceScope === 'global' ? t('matching.prefs.global') : REGION_NAMES[m.data.query.preferenceScope][lang]}</Tag>
        </span>
        {m.isFetching && <Typography.Text type="secondary">{t('app.loading')}</Typography.Text>}
      </div>
      <Table<MatchItem>
        size="small"
        rowKey={keyOf}
        pagination={false}
        dataSource={m.data.items}
        data-testid="pref-ranking"
        columns={[
          { title: '#', dataIndex: 'rank', width: 40 },
          {
            title: t('matching.prefs.move'),
            key: 'move',
            width: 64,
            render: (_, it) => {
              if (!before) return null;
              const was = before.get(keyOf(it));
              if (was === undefined) return <Tag color="blue">{t('matching.prefs.new')}</Tag>;
              const d = was - it.rank;
              if (d > 0)
                return (
                  <span className="rank-move up">
                    <ArrowUpOutlined /> {d}
                  </span>
                );
              if (d < 0)
                return (
                  <span className="rank-move down">
                    <ArrowDownOutlined /> {-d}
                  </span>
                );
              return (
                <span className="rank-move same">
                  <MinusOutlined />
                </span>
              );
            },
          },
          {
            title: t('matching.col.org'),
            key: 'org',
            render: (_, it) => (
              <span>
                {it.organization.shortName ?? it.organization.name} <RegionTag region={it.organization.region} />
              </span>
            ),
          },
          { title: t('matching.prefs.score'), dataIndex: 'score', width: 70, align: 'right', render: (s: number) => s.toFixed(1) },
          { title: t('matching.prefs.breakdown'), key: 'bd', width: 230, render: (_, it) => <ScoreBar e={it.explanation} compact /> },
        ]}
      />
    </div>
  );
}

export default function PreferencesPage() {
  const { t, lang } = useLang();
  const { user } = useAuth();
  const { message } = App.useApp();
  const errText = useErrorText();
  const canTune = useCanTune();
  const prefs = usePreferences();
  const save = useSavePreferences();
  const [scope, setScope] = useState<PreferenceScope>(user?.role === 'official' && user.region ? user.region : 'global');
  const current = prefs.data?.scopes.find((s) => s.scope === scope);
  const [draft, setDraft] = useState<MatchSettings | null>(null);
  useEffect(() => {
    if (current) setDraft(structuredClone(current.settings) as MatchSettings);
  }, [current]);
  const dirty = !!(draft && current && JSON.stringify(draft) !== JSON.stringify(current.settings));

  // the test posting: open demands, preferably of the scope's region
  const postings = usePostings({ direction: 'demand', status: 'open', pageSize: 100 });
  const [testId, setTestId] = useState<number | null>(null);
  const testOptions = useMemo(() => {
    const items = [...(postings.data?.items ?? [])];
    items.sort((a, b) => Number(b.organization.region === scope) - Number(a.organization.region === scope));
    return items;
  }, [postings.data, scope]);
  useEffect(() => {
    if (testId == null && testOptions[0]) setTestId(testOptions[0].id);
  }, [testOptions, testId]);
  const [before, setBefore] = useState<Map<string, number> | null>(null);
  useEffect(() => setBefore(null), [testId]);
  const m = useMatches(testId ?? 0, { limit: 10, enabled: testId != null });

  if (!canTune) return <Result status="403" title={t('matching.prefs.forbidden')} extra={<Link to="/matching">{t('matching.nav.postings')}</Link>} />;

  const weightTotal = draft ? SIGNALS.reduce((s, k) => s + draft.weights[k], 0) : 0;
  const editable = !!current?.canEdit;
  const snapshot = () => (m.data ? new Map(m.data.items.map((it) => [keyOf(it), it.rank])) : null);
  const doSave = async () => {
    if (!draft || !current) return;
    const snap = snapshot();
    try {
      await save.mutateAsync({ scope, settings: draft, version: current.version });
      setBefore(snap);
      message.success(t('matching.prefs.saved'));
    } catch (e) {
      message.error(errText(e));
    }
  };
  const doReset = async () => {
    const snap = snapshot();
    try {
      await save.mutateAsync({ scope, reset: true });
      setBefore(snap);
      message.success(t('matching.prefs.resetDone'));
    } catch (e) {
      message.error(errText(e));
    }
  };
  const testPosting = testOptions.find((p) => p.id === testId);

  return (
    <div data-testid="preferences-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('matching.prefs.title')}
          </Typography.Title>
          <div className="meta">{t('matching.prefs.subtitle')}</div>
        </div>
      </div>
      <MatchingNav extra={<span />} />
      {prefs.isError && <ErrorAlert error={prefs.error} onRetry={() => prefs.refetch()} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={t('matching.prefs.scope')}
            extra={
              <Segmented
                size="small"
                value={scope}
                onChange={(v) => setScope(v as PreferenceScope)}
                options={SCOPES.map((s) => ({ value: s, label: s === 'global' ? t('matching.prefs.global') : REGION_NAMES[s][lang] }))}
                data-testid="pref-scope"
              />
            }
          >
            {!current || !draft ? (
              <Skeleton active />
            ) : (
              <>
                <Space style={{ marginBottom: 8 }} wrap>
                  {current.inherited ? <Tag>{scope === 'global' ? t('matching.prefs.defaults') : t('matching.prefs.inherited')}</Tag> : <Tag color="blue">{t('matching.prefs.own', { at: formatTime(current.updatedAt, lang) })}</Tag>}
                  {!editable && <Tag color="default">{t('matching.prefs.readOnly')}</Tag>}
                </Space>
                <div className="form-section">{t('matching.prefs.weights')}</div>
                <div className="pref-grid" data-testid="pref-weights">
                  {SIGNALS.map((k) => (
                    <div key={k} style={{ display: 'contents' }}>
                      <span className="lbl">
                        <span className="sw" style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 2, background: SIGNAL_COLORS[k], marginRight: 6 }} />
                        {SIGNAL_NAMES[k][lang]}
                      </span>
                      <div data-testid={`w-${k}`}>
                        <Slider min={0} max={100} value={draft.weights[k]} disabled={!editable} onChange={(v) => setDraft({ ...draft, weights: { ...draft.weights, [k]: v } })} />
                      </div>
                      <span style={{ fontVariantNumeric: 'tabular-nums' }}>{draft.weights[k]}</span>
                      <span className="pct">{weightTotal ? `${Math.round((draft.weights[k] / weightTotal) * 100)}%` : '—'}</span>
                    </div>
                  ))}
                </div>
                <div className="form-section" style={{ marginTop: 16 }}>
                  {t('matching.prefs.routing')}
                </div>
                <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                  {t('matching.prefs.routingHint')}
                </Typography.Paragraph>
                <table className="ant-table routing-table" style={{ width: '100%' }} data-testid="pref-routing">
                  <thead>
                    <tr>
                      <th />
                      {ROUTE_REGIONS.map((r) => (
                        <th key={r} style={{ fontWeight: 500, fontSize: 12, textAlign: 'center' }}>
                          {REGION_NAMES[r][lang]}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {MATCH_STAGES.map((st: MatchStage) => (
                      <tr key={st}>
                        <td style={{ fontSize: 12, whiteSpace: 'nowrap' }}>{MATCH_STAGE_NAMES[st][lang]}</td>
                        {ROUTE_REGIONS.map((r) => (
                          <td key={r} data-testid={`r-${st}-${r}`}>
                            <Slider
                              min={0}
                              max={1}
                              step={0.1}
                              value={draft.stageRouting[st][r]}
                              disabled={!editable}
                              tooltip={{ formatter: (v) => v?.toFixed(1) }}
                              onChange={(v) => setDraft({ ...draft, stageRouting: { ...draft.stageRouting, [st]: { ...draft.stageRouting[st], [r]: v } } })}
                            />
                            <div style={{ textAlign: 'center', fontSize: 11, color: '#8c8c8c', marginTop: -8 }}>{draft.stageRouting[st][r].toFixed(1)}</div>
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
                {editable && (
                  <Space style={{ marginTop: 12 }} wrap>
                    <Button type="primary" icon={<SaveOutlined />} disabled={!dirty || weightTotal <= 0} loading={save.isPending} onClick={doSave} data-testid="pref-save">
                      {t('matching.prefs.saveRerun')}
                    </Button>
                    <Button icon={<UndoOutlined />} disabled={!dirty} onClick={() => setDraft(structuredClone(current.settings) as MatchSettings)}>
                      {t('matching.prefs.discard')}
                    </Button>
                    {!current.inherited && (
                      <Popconfirm title={t('matching.prefs.resetConfirm')} onConfirm={doReset}>
                        <Button danger>{t('matching.prefs.reset')}</Button>
                      </Popconfirm>
                    )}
                  </Space>
                )}
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={t('matching.prefs.test')}
            extra={
              <Button size="small" icon={<ReloadOutlined />} onClick={() => m.refetch()}>
                {t('matching.match.rerun')}
              </Button>
            }
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: '100%', marginBottom: 8 }}
              value={testId ?? undefined}
              onChange={setTestId}
              loading={postings.isPending}
              options={testOptions.map((p) => ({ value: p.id, label: `${p.title} · ${p.organization.shortName ?? p.organization.name}（${p.organization.region ? REGION_NAMES[p.organization.region][lang] : ''}）` }))}
              data-testid="pref-test-posting"
            />
            {testPosting && testPosting.organization.region && testPosting.organization.region !== scope && scope !== 'global' && (
              <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('matching.prefs.otherScope', { region: REGION_NAMES[testPosting.organization.region][lang] })} />
            )}
            {testId != null && <Ranking postingId={testId} before={before} />}
            {testId != null && (
              <div style={{ marginTop: 8 }}>
                <Link to={`/matching/postings/${testId}`}>{t('matching.prefs.openPosting')}</Link>
              </div>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
