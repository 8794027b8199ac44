import { ArrowLeftOutlined, EditOutlined, LockOutlined, ReloadOutlined, StopOutlined, UndoOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Empty, Popconfirm, Result, Row, Segmented, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useInterestAction, useInterests, useMatches, usePosting, useSavePosting, type Interest, type Posting } from '../../api/queries.matching';
import { useAuth } from '../../auth';
import { ErrorAlert, formatTime, RegionTag, useErrorText } from '../../components/common';
import { useLang } from '../../i18n';
import { REGION_NAMES } from '../../i18n/vocab';
import { DirectionTag, fieldChips, KindTag, MatchingNav, StageTag, StatusTag } from './common';
import { ExpressInterest, findInterest } from './ExpressInterest';
import { MatchList } from './MatchList';
import { INTEREST_STATUS_COLOR, INTEREST_STATUS_NAMES, MATCH_STAGE_NAMES, nameOf } from './vocab';

function Matches({ posting }: { posting: Posting }) {
  const { t } = useLang();
  const [type, setType] = useState<'all' | 'postings' | 'organizations'>('all');
  const matches = useMatches(posting.id, { type, limit: 20 });
  const interests = useInterests({});
  const from = { id: posting.organization.id, name: posting.organization.name };
  return (
    <Card
      title={t('matching.match.title')}
      size="small"
      data-testid="matches"
      extra={
        <Space>
          <Segmented
            size="small"
            value={type}
            onChange={(v) => setType(v as typeof type)}
            options={[
              { value: 'all', label: t('matching.match.all') },
              { value: 'postings', label: posting.direction === 'demand' ? t('matching.match.capabilities') : t('matching.match.demands') },
              ...(posting.direction === 'demand' ? [{ value: 'organizations', label: t('matching.match.orgs') }] : []),
            ]}
          />
          <Button size="small" icon={<ReloadOutlined />} onClick={() => matches.refetch()} loading={matches.isFetching}>
            {t('matching.match.rerun')}
          </Button>
        </Space>
      }
    >
      {posting.status !== 'open' && <Typography.Paragraph type="warning">{t('matching.match.closedNote')}</Typography.Paragraph>}
      {matches.isError && <ErrorAlert error={matches.error} onRetry={() => matches.refetch()} />}
      {matches.isPending && <Skeleton active paragraph={{ rows: 10 }} />}
      {matches.data && (
        <MatchList
          result={matches.data}
          renderActions={(it) => {
            const target = it.posting
              ? { postingId: it.posting.id, name: it.organization.name }
              : { organizationId: it.organization.id, name: it.organization.name };
            return <ExpressInterest target={target} fromOrg={from} fromPostingId={posting.id} existing={findInterest(interests.data, from.id, target)} size="small" />;
          }}
        />
      )}
    </Card>
  );
}

function ReceivedInterests({ posting }: { posting: Posting }) {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const errText = useErrorText();
  const list = useInterests({ postingId: posting.id });
  const act = useInterestAction();
  const decide = async (i: Interest, decision: 'accept' | 'decline') => {
    try {
      await act.mutateAsync({ kind: 'decide', id: i.id, decision });
      message.success(decision === 'accept' ? t('matching.interest.accepted') : t('matching.interest.declined'));
    } catch (e) {
      message.error(errText(e));
    }
  };
  return (
    <Card title={t('matching.detail.received', { n: list.data?.length ?? 0 })} size="small" style={{ marginTop: 16 }} data-testid="received-interests">
      {list.isError && <ErrorAlert error={list.error} />}
      {list.data && !list.data.length && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('matching.detail.noInterests')} />}
      {list.data?.map((i) => (
        <div key={i.id} style={{ padding: '8px 0', borderBottom: '1px dashed #f0f0f0' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'center' }}>
            <span>
              <Link to={`/organizations/${i.fromOrganization.id}`}>{i.fromOrganization.shortName ?? i.fromOrganization.name}</Link> <RegionTag region={i.fromOrganization.region} />
              <Tag color={INTEREST_STATUS_COLOR[i.status]}>{nameOf(INTEREST_STATUS_NAMES, i.status, lang)}</Tag>
            </span>
            <Space size={4}>
              {i.canDecide && (
                <>
                  <Button size="small" type="primary" onClick={() => decide(i, 'accept')} loading={act.isPending}>
                    {t('matching.interest.accept')}
                  </Button>
                  <Button size="small" onClick={() => decide(i, 'decline')}>
                    {t('matching.interest.decline')}
                  </Button>
                </>
              )}
              <Link to={`/matching/interests?id=${i.id}`}>{t('matching.detail.open')}</Link>
            </Space>
          </div>
          {i.message && <div className="posting-sub">“{i.message}”</div>}
        </div>
      ))}
    </Card>
  );
}

export default function PostingPage() {
  const { id } = useParams();
  const postingId = Number(id);
  const { t, lang } = useLang();
  const { user } = useAuth();
  const { message } = App.useApp();
  const errText = useErrorText();
  const q = usePosting(postingId);
  const save = useSavePosting();
  const interests = useInterests({}, !!user);

  if (!Number.isFinite(postingId) || (q.isError && q.error instanceof ApiError && q.error.status === 404))
    return <Result status="404" title={t('matching.detail.notFound')} extra={<Link to="/matching">{t('matching.nav.postings')}</Link>} />;
  if (q.isError) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  if (q.isPending) return <Skeleton active paragraph={{ rows: 14 }} />;
  const p = q.data;
  const own = user?.organizationId === p.organization.id;
  const seesMatches = own || user?.role === 'admin' || user?.role === 'official';
  const setStatus = async (status: 'open' | 'closed') => {
    try {
      await save.mutateAsync({ id: p.id, patch: { status, version: p.version } });
      message.success(status === 'closed' ? t('matching.detail.closed') : t('matching.detail.reopened'));
    } catch (e) {
      message.error(errText(e));
    }
  };
  const target = { postingId: p.id, name: p.organization.name };

  return (
    <div data-testid="posting-page">
      <div style={{ marginBottom: 8 }}>
        <Link to="/matching">
          <ArrowLeftOutlined /> {t('matching.nav.postings')}
        </Link>
      </div>
      <div className="page-head">
        <div>
          <div className="org-title">
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="posting-title">
              {p.title}
            </Typography.Title>
          </div>
          <div className="chips" style={{ marginTop: 6 }}>
            <DirectionTag direction={p.direction} />
            <KindTag kind={p.kind} />
            <StageTag stage={p.stage} />
            <StatusTag status={p.status} />
            {/illustrative/i.test(p.source) && <Tag color="orange">{t('matching.illustrative')}</Tag>}
            <span style={{ marginLeft: 8 }}>
              <Link to={`/organizations/${p.organization.id}`}>{p.organization.name}</Link> <RegionTag region={p.organization.region} />
            </span>
          </div>
        </div>
        <Space>
          {!own && p.status === 'open' && <ExpressInterest target={target} existing={findInterest(interests.data, user?.organizationId, target)} fromOrg={null} />}
          {p.canEdit && (
            <>
              <Link to={`/matching/postings/${p.id}/edit`}>
                <Button icon={<EditOutlined />}>{t('matching.detail.edit')}</Button>
              </Link>
              {p.status === 'open' ? (
                <Popconfirm title={t('matching.detail.closeConfirm')} onConfirm={() => setStatus('closed')}>
                  <Button icon={<StopOutlined />}>{t('matching.detail.close')}</Button>
                </Popconfirm>
              ) : (
                <Button icon={<UndoOutlined />} onClick={() => setStatus('open')}>
                  {t('matching.detail.reopen')}
                </Button>
              )}
            </>
          )}
        </Space>
      </div>
      <MatchingNav />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={seesMatches ? 9 : 16}>
          <Card title={t('matching.detail.info')} size="small">
            <Descriptions
              size="small"
              column={1}
              bordered
              styles={{ label: { width: 110, whiteSpace: 'nowrap' } }}
              items={[
                {
                  key: 'fields',
                  label: t('matching.detail.fields'),
                  children: (
                    <div className="chips">
                      {fieldChips(p.kind, p.fields, p.direction, lang).map((c) => (
                        <Tag key={c} color="blue" bordered={false}>
                          {c}
                        </Tag>
                      ))}
                    </div>
                  ),
                },
                { key: 'desc', label: t('matching.form.description'), children: p.description ? <span className="prewrap">{p.description}</span> : '—' },
                {
                  key: 'stage',
                  label: t('matching.form.stage'),
                  children: (
                    <span>
                      {nameOf(MATCH_STAGE_NAMES, p.stage, lang)}
                      <Typography.Text type="secondary"> · {p.stageSource === 'posting' ? t('matching.detail.stageSet') : t('matching.detail.stageKind')}</Typography.Text>
                    </span>
                  ),
                },
                {
                  key: 'nodes',
                  label: t('matching.form.nodes'),
                  children: p.nodes.length ? (
                    <div className="chips">
                      {p.nodes.map((n) => (
                        <Tag key={n.id} color="purple" bordered={false}>
                          {n.chainName} · {n.name}
                        </Tag>
                      ))}
                    </div>
                  ) : (
                    '—'
                  ),
                },
                {
                  key: 'regions',
                  label: p.direction === 'demand' ? t('matching.form.regionsWanted') : t('matching.form.regionsServed'),
                  children: p.regionsWanted.length ? p.regionsWanted.map((r) => REGION_NAMES[r][lang]).join(' / ') : t('matching.detail.anyRegion'),
                },
                { key: 'deadline', label: t('matching.form.deadline'), children: p.deadline ?? '—' },
                { key: 'expires', label: t('matching.detail.expires'), children: formatTime(p.expiresAt, lang) },
                { key: 'created', label: t('matching.detail.created'), children: formatTime(p.createdAt, lang) },
                { key: 'source', label: t('matching.detail.source'), children: <Typography.Text type="secondary">{p.source}</Typography.Text> },
              ]}
            />
          </Card>
          {seesMatches && <ReceivedInterests posting={p} />}
        </Col>
        <Col xs={24} xl={seesMatches ? 15 : 8}>
          {seesMatches ? (
            <Matches posting={p} />
          ) : (
            <Card size="small">
              <Empty image={<LockOutlined style={{ fontSize: 40, color: '#bfbfbf' }} />} description={t('matching.detail.matchesPrivate')} />
            </Card>
          )}
        </Col>
      </Row>
    </div>
  );
}
