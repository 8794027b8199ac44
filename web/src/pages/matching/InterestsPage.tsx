import { ArrowRightOutlined, LockOutlined, MailOutlined, PhoneOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Empty, Form, Input, InputNumber, Popconfirm, Radio, Row, Segmented, Select, Skeleton, Space, Statistic, Tag, Timeline, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useInterestAction, useInterestContacts, useInterests, type Interest, type InterestContacts } from '../../api/queries.matching';
import { useAuth } from '../../auth';
import { ErrorAlert, formatTime, RegionTag, useErrorText } from '../../components/common';
import { useLang } from '../../i18n';
import { REGION_NAMES } from '../../i18n/vocab';
import { KindTag, MatchingNav, fmtWan } from './common';
import { INTEREST_STATUS_COLOR, INTEREST_STATUS_NAMES, INTEREST_STATUSES, nameOf, OUTCOME_COLOR, OUTCOME_NAMES, OUTCOMES, type Outcome } from './vocab';

function ContactCard({ side }: { side: InterestContacts['from'] }) {
  const { t } = useLang();
  const c = side.contact;
  return (
    <div className="c">
      <div style={{ fontWeight: 500, marginBottom: 4 }}>{side.organization.name}</div>
      {c ? (
        <div>
          {c.person && (
            <div>
              <UserOutlined /> {c.person}
            </div>
          )}
          {c.phone && (
            <div>
              <PhoneOutlined /> {c.phone}
            </div>
          )}
          {c.email && (
            <div>
              <MailOutlined /> {c.email}
            </div>
          )}
          {c.address && <div className="meta">{c.address}</div>}
        </div>
      ) : (
        <Typography.Text type="secondary">{t('matching.deal.noContact')}</Typography.Text>
      )}
    </div>
  );
}

function Contacts({ interest }: { interest: Interest }) {
  const { t } = useLang();
  const q = useInterestContacts(interest.id, interest.contactsVisible);
  if (!interest.contactsVisible)
    return (
      <div className="contacts-locked" data-testid="contacts-locked">
        <LockOutlined /> {interest.status === 'pending' ? t('matching.deal.contactsPending') : t('matching.deal.contactsHidden')}
      </div>
    );
  if (q.isError) return <ErrorAlert error={q.error} />;
  if (q.isPending) return <Skeleton active paragraph={{ rows: 2 }} />;
  return (
    <div className="contacts" data-testid="contacts">
      <ContactCard side={q.data.from} />
      <ContactCard side={q.data.target} />
    </div>
  );
}

function OutcomeForm({ interest }: { interest: Interest }) {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const errText = useErrorText();
  const act = useInterestAction();
  const [form] = Form.useForm<{ outcome: Outcome; amountWan?: number; region?: string; note?: string }>();
  const outcome = Form.useWatch('outcome', form);
  const [editing, setEditing] = useState(!interest.outcome);
  if (!editing && interest.outcome)
    return (
      <div data-testid="outcome">
        <Tag color={OUTCOME_COLOR[interest.outcome]}>{nameOf(OUTCOME_NAMES, interest.outcome, lang)}</Tag>
        {interest.outcomeAmountWan != null && (
          <span>
            {fmtWan(interest.outcomeAmountWan)} {t('matching.unit.wan')}
          </span>
        )}
        {interest.outcomeRegion && <span> · {t('matching.deal.landsIn', { region: REGION_NAMES[interest.outcomeRegion][lang] })}</span>}
        {interest.outcomeNote && <div className="meta">{interest.outcomeNote}</div>}
        <Button size="small" type="link" onClick={() => setEditing(true)}>
          {t('matching.deal.changeOutcome')}
        </Button>
      </div>
    );
  const submit = async (v: { outcome: Outcome; amountWan?: number; region?: string; note?: string }) => {
    try {
      await act.mutateAsync({ kind: 'outcome', id: interest.id, outcome: v.outcome, amountWan: v.amountWan ?? null, region: v.region ?? null, note: v.note ?? null });
      message.success(t('matching.deal.outcomeSaved'));
      setEditing(false);
    } catch (e) {
      message.error(errText(e));
    }
  };
  return (
    <Form
      form={form}
      layout="inline"
      onFinish={submit}
      initialValues={{ outcome: interest.outcome ?? 'intention', amountWan: interest.outcomeAmountWan ?? undefined, region: interest.outcomeRegion ?? undefined, note: interest.outcomeNote ?? undefined }}
      data-testid="outcome-form"
      style={{ rowGap: 8 }}
    >
      <Form.Item name="outcome">
        <Radio.Group optionType="button" options={OUTCOMES.map((o) => ({ value: o, label: OUTCOME_NAMES[o][lang] }))} />
      </Form.Item>
      {outcome !== 'no_deal' && (
        <>
          <Form.Item name="amountWan" rules={[{ required: outcome === 'signed', message: t('matching.deal.amountRequired') }]}>
            <InputNumber min={0} placeholder={t('matching.deal.amount')} suffix={t('matching.unit.wan')} style={{ width: 170 }} />
          </Form.Item>
          <Form.Item name="region" rules={[{ required: true, message: t('matching.deal.regionRequired') }]}>
            <Select placeholder={t('matching.deal.region')} style={{ width: 130 }} options={(['BJ', 'TJ', 'HE'] as const).map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))} />
          </Form.Item>
        </>
      )}
      <Form.Item name="note">
        <Input placeholder={t('matching.deal.note')} style={{ width: 220 }} maxLength={2000} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={act.isPending}>
        {t('matching.deal.saveOutcome')}
      </Button>
    </Form>
  );
}

function Notes({ interest }: { interest: Interest }) {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const errText = useErrorText();
  const act = useInterestAction();
  const [text, setText] = useState('');
  const add = async () => {
    if (!text.trim()) return;
    try {
      await act.mutateAsync({ kind: 'note', id: interest.id, body: text.trim() });
      setText('');
    } catch (e) {
      message.error(errText(e));
    }
  };
  return (
    <div>
      {interest.notes.length > 0 && (
        <Timeline
          style={{ marginTop: 8 }}
          items={interest.notes.map((n) => ({
            key: n.id,
            content: (
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatTime(n.createdAt, lang)} · {n.authorName}
                </Typography.Text>
                <div className="prewrap">{n.body}</div>
              </div>
            ),
          }))}
        />
      )}
      <Space.Compact style={{ width: '100%' }}>
        <Input value={text} onChange={(e) => setText(e.target.value)} onPressEnter={add} placeholder={t('matching.deal.notePh')} maxLength={5000} data-testid="note-input" />
        <Button onClick={add} loading={act.isPending}>
          {t('matching.deal.addNote')}
        </Button>
      </Space.Compact>
    </div>
  );
}

function InterestCard({ interest: i, focus }: { interest: Interest; focus: boolean }) {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const errText = useErrorText();
  const act = useInterestAction();
  const [reason, setReason] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.scrollIntoView({ behavior: 'smooth', block: 'center' });
  }, [focus]);
  const run = async (a: Parameters<typeof act.mutateAsync>[0], ok: string) => {
    try {
      await act.mutateAsync(a);
      message.success(ok);
    } catch (e) {
      message.error(errText(e));
    }
  };
  const sideLabel = i.side === 'from' ? t('matching.deal.sideFrom') : i.side === 'target' ? t('matching.deal.sideTarget') : t('matching.deal.sideObserver');
  return (
    <div ref={ref}>
      <Card size="small" className={`interest-card${focus ? ' focus' : ''}`} data-testid="interest-card" data-status={i.status}>
        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 12, flexWrap: 'wrap' }}>
          <div>
            <div className="parties">
              <Link to={`/organizations/${i.fromOrganization.id}`}>{i.fromOrganization.shortName ?? i.fromOrganization.name}</Link>
              <RegionTag region={i.fromOrganization.region} />
              <ArrowRightOutlined style={{ color: '#8c8c8c' }} />
              <Link to={`/organizations/${i.targetOrganization.id}`}>{i.targetOrganization.shortName ?? i.targetOrganization.name}</Link>
              <RegionTag region={i.targetOrganization.region} />
            </div>
            <div className="meta" style={{ marginTop: 4 }}>
              {i.posting && (
                <>
                  <KindTag kind={i.posting.kind} />
                  <Link to={`/matching/postings/${i.posting.id}`}>{i.posting.title}</Link>
                </>
              )}
              {!i.posting && t('matching.deal.direct')}
              {i.fromPosting && (
                <span>
                  {' '}
                  · {t('matching.deal.fromPosting')} <Link to={`/matching/postings/${i.fromPosting.id}`}>{i.fromPosting.title}</Link>
                </span>
              )}
            </div>
          </div>
          <div style={{ textAlign: 'right' }}>
            <Tag color={INTEREST_STATUS_COLOR[i.status]} data-testid="interest-status">
              {nameOf(INTEREST_STATUS_NAMES, i.status, lang)}
            </Tag>
            {i.outcome && <Tag color={OUTCOME_COLOR[i.outcome]}>{nameOf(OUTCOME_NAMES, i.outcome, lang)}</Tag>}
            <div className="meta">
              {sideLabel} · {formatTime(i.createdAt, lang)}
            </div>
          </div>
        </div>
        {i.message && <Typography.Paragraph style={{ margin: '8px 0 0' }}>“{i.message}”</Typography.Paragraph>}
        {i.status === 'declined' && i.declineReason && <Typography.Paragraph type="secondary">{t('matching.deal.reason', { reason: i.declineReason })}</Typography.Paragraph>}

        <div style={{ marginTop: 10 }}>
          <Contacts interest={i} />
        </div>

        {(i.canDecide || (i.side === 'from' && i.status === 'pending')) && (
          <Space style={{ marginTop: 10 }} wrap>
            {i.canDecide && (
              <>
                <Button type="primary" onClick={() => run({ kind: 'decide', id: i.id, decision: 'accept' }, t('matching.interest.accepted'))} loading={act.isPending} data-testid="interest-accept">
                  {t('matching.interest.accept')}
                </Button>
                <Popconfirm
                  title={t('matching.interest.declineTitle')}
                  description={<Input.TextArea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('matching.interest.reasonPh')} style={{ width: 260 }} />}
                  onConfirm={() => run({ kind: 'decide', id: i.id, decision: 'decline', reason }, t('matching.interest.declined'))}
                >
                  <Button danger data-testid="interest-decline">
                    {t('matching.interest.decline')}
                  </Button>
                </Popconfirm>
              </>
            )}
            {i.side === 'from' && i.status === 'pending' && (
              <Popconfirm title={t('matching.interest.withdrawConfirm')} onConfirm={() => run({ kind: 'withdraw', id: i.id }, t('matching.interest.withdrawn'))}>
                <Button>{t('matching.interest.withdraw')}</Button>
              </Popconfirm>
            )}
          </Space>
        )}

        {i.status === 'accepted' && (
          <Row gutter={16} style={{ marginTop: 12 }}>
            <Col xs={24} lg={12}>
              <div className="form-section">{t('matching.deal.notes')}</div>
              <Notes interest={i} />
            </Col>
            <Col xs={24} lg={12}>
              <div className="form-section">{t('matching.deal.outcome')}</div>
              <OutcomeForm interest={i} />
            </Col>
          </Row>
        )}
      </Card>
    </div>
  );
}

export default function InterestsPage() {
  const { t, lang } = useLang();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const box = (params.get('box') as 'all' | 'sent' | 'received') ?? 'all';
  const status = params.get('status') ?? undefined;
  const focusId = params.get('id') ? Number(params.get('id')) : null;
  const list = useInterests({ box, status });
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete('id');
    setParams(next);
  };
  const stats = useMemo(() => {
    const xs = list.data ?? [];
    const signed = xs.filter((i) => i.outcome === 'signed');
    return {
      pending: xs.filter((i) => i.status === 'pending').length,
      accepted: xs.filter((i) => i.status === 'accepted').length,
      intention: xs.filter((i) => i.outcome === 'intention').length,
      signed: signed.length,
      amount: signed.reduce((s, i) => s + (i.outcomeAmountWan ?? 0), 0),
    };
  }, [list.data]);
  const official = user?.role === 'official' || user?.role === 'admin';

  return (
    <div data-testid="interests-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('matching.deal.title')}
          </Typography.Title>
          <div className="meta">{official ? t('matching.deal.subtitleOfficial') : t('matching.deal.subtitle')}</div>
        </div>
      </div>
      <MatchingNav />
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {(
          [
            ['pending', stats.pending],
            ['accepted', stats.accepted],
            ['intention', stats.intention],
            ['signed', stats.signed],
          ] as const
        ).map(([k, v]) => (
          <Col xs={12} md={6} xl={4} key={k}>
            <Card size="small" className="deal-stats">
              <Statistic title={t(`matching.deal.stat.${k}`)} value={v} loading={list.isPending} />
            </Card>
          </Col>
        ))}
        <Col xs={24} md={12} xl={8}>
          <Card size="small" className="deal-stats">
            <Statistic title={t('matching.deal.stat.amount')} value={fmtWan(stats.amount)} suffix={t('matching.unit.wan')} loading={list.isPending} />
          </Card>
        </Col>
      </Row>
      <div className="matching-filters">
        <Segmented
          value={box}
          onChange={(v) => set('box', v === 'all' ? undefined : (v as string))}
          options={[
            { value: 'all', label: t('matching.deal.box.all') },
            { value: 'sent', label: official ? t('matching.deal.box.sentRegion') : t('matching.deal.box.sent') },
            { value: 'received', label: official ? t('matching.deal.box.receivedRegion') : t('matching.deal.box.received') },
          ]}
          data-testid="interests-box"
        />
        <Select
          allowClear
          placeholder={t('matching.deal.status')}
          style={{ width: 150 }}
          value={status}
          onChange={(v) => set('status', v)}
          options={INTEREST_STATUSES.map((s) => ({ value: s, label: INTEREST_STATUS_NAMES[s][lang] }))}
        />
      </div>
      {list.isError && <ErrorAlert error={list.error} onRetry={() => list.refetch()} />}
      {list.isPending && <Skeleton active paragraph={{ rows: 8 }} />}
      {list.data && !list.data.length && (
        <Empty description={t('matching.deal.empty')}>
          <Link to="/matching">{t('matching.nav.postings')}</Link>
        </Empty>
      )}
      {list.data?.map((i) => <InterestCard key={i.id} interest={i} focus={focusId === i.id} />)}
    </div>
  );
}
