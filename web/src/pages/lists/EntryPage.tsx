/**
 * One list entry (卡点 / 堵点 / 重点企业): every field, the edit form (officials of the owner region and
 * administrators), the workflow buttons, the proposal's reason and figures, linked organisations by
 * role with add / remove, investment leads (堵点), and the full history of changes.
 */
import { ArrowLeftOutlined, DeleteOutlined, EditOutlined, FlagOutlined, LockOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, AutoComplete, Button, Card, Col, Descriptions, Form, Input, Modal, Popconfirm, Result, Row, Select, Skeleton, Space, Steps, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useChain } from '../../api/queries';
import { useChainIfAny, useEntryWrite, useListEntry, type EntryPatch, type ListEntry } from '../../api/queries.lists';
import { useAuth } from '../../auth';
import {
  ENTRY_ORG_ROLE_NAMES,
  ENTRY_STATUS_NAMES,
  LIST_KIND_NAMES,
  ORG_ROLES_BY_KIND,
  REGION_DEPARTMENTS,
  type EntryOrgRole,
  type EntryStatus,
} from '../../chain/diagnosis';
import { ErrorAlert, formatTime, useErrorText } from '../../components/common';
import { useLang, type DictKey } from '../../i18n';
import { label, ORG_KIND_NAMES, pickLang, REGION_NAMES, REGION_TAG, REGIONS, USER_ROLE_NAMES, type Region } from '../../i18n/vocab';
import { OrgSelect } from '../matching/OrgSelect';
import { EntryStatusTag, isOpen, KindTag, nodeFilter, nodeOptions, OriginTag, today } from './common';
import { EntryHistory } from './EntryHistory';
import { TargetsPanel } from './TargetsPanel';

const MAIN_PATH: EntryStatus[] = ['proposed', 'accepted', 'in_progress', 'resolved'];

/** The button text for a move along the workflow. */
function transitionKey(from: EntryStatus, to: EntryStatus): DictKey {
  if (to === 'in_progress') return from === 'resolved' ? 'entry.to.reopen' : 'entry.to.in_progress';
  return `entry.to.${to}` as DictKey;
}

function Workflow({ entry, write }: { entry: ListEntry; write: ReturnType<typeof useEntryWrite> }) {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const errText = useErrorText();
  const [to, setTo] = useState<EntryStatus | null>(null);
  const [note, setNote] = useState('');
  const idx = MAIN_PATH.indexOf(entry.status);
  const confirm = async () => {
    if (!to) return;
    try {
      await write.mutateAsync({ method: 'POST', path: '/transitions', body: { to, note: note.trim() || null } });
      message.success(t('entry.transitionDone', { status: ENTRY_STATUS_NAMES[to][lang] }));
      setTo(null);
      setNote('');
    } catch (e) {
      message.error(errText(e));
    }
  };
  return (
    <Card size="small" title={t('entry.workflow')} data-testid="entry-workflow">
      <Steps
        size="small"
        current={idx < 0 ? 0 : idx}
        status={entry.status === 'dropped' ? 'error' : entry.status === 'resolved' ? 'finish' : 'process'}
        items={MAIN_PATH.map((s) => ({ title: ENTRY_STATUS_NAMES[s][lang] }))}
        style={{ marginBottom: 12, opacity: entry.status === 'dropped' ? 0.45 : 1 }}
      />
      {entry.status === 'dropped' && <Alert type="error" showIcon title={t('entry.droppedNote')} style={{ marginBottom: 12 }} />}
      {entry.canEdit ? (
        <Space wrap>
          {entry.allowedTransitions.map((s) => (
            <Button
              key={s}
              type={s === 'dropped' ? 'default' : 'primary'}
              danger={s === 'dropped'}
              ghost={s === 'proposed'}
              onClick={() => setTo(s)}
              data-testid={`transition-${s}`}
            >
              {t(transitionKey(entry.status, s))}
            </Button>
          ))}
        </Space>
      ) : (
        <Typography.Text type="secondary">{t('entry.workflowReadOnly')}</Typography.Text>
      )}
      <Modal
        open={to != null}
        title={to ? t('entry.transitionConfirm', { from: ENTRY_STATUS_NAMES[entry.status][lang], to: ENTRY_STATUS_NAMES[to][lang] }) : ''}
        okText={to ? t(transitionKey(entry.status, to)) : ''}
        okButtonProps={{ danger: to === 'dropped', loading: write.isPending, 'data-testid': 'transition-ok' } as any}
        onOk={confirm}
        onCancel={() => setTo(null)}
        destroyOnHidden
      >
        <div data-testid="transition-modal">
          <Typography.Paragraph type="secondary">{t('entry.transitionHint')}</Typography.Paragraph>
          <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={1000} placeholder={t('entry.transitionNote')} data-testid="transition-note" />
        </div>
      </Modal>
    </Card>
  );
}

interface EditValues {
  title: string;
  description?: string | null;
  nodeId?: number | null;
  leadRegion?: Region | null;
  department?: string | null;
  ownerName?: string | null;
  dueOn?: string | null;
  region?: Region;
}

function EditForm({ entry, write, onDone }: { entry: ListEntry; write: ReturnType<typeof useEntryWrite>; onDone: () => void }) {
  const { t, lang, pick } = useLang();
  const { user } = useAuth();
  const { message } = App.useApp();
  const errText = useErrorText();
  const chain = useChain(String(entry.chainId));
  const [form] = Form.useForm<EditValues>();
  const [formError, setFormError] = useState<string | null>(null);
  const initial: EditValues = {
    title: entry.title,
    description: entry.description,
    nodeId: entry.nodeId,
    leadRegion: entry.leadRegion,
    department: entry.department,
    ownerName: entry.ownerName,
    dueOn: entry.dueOn,
    region: entry.region,
  };
  const submit = async (v: EditValues) => {
    setFormError(null);
    const patch: EntryPatch = { version: entry.version };
    const norm = (x: unknown) => (typeof x === 'string' ? x.trim() || null : (x ?? null));
    for (const k of ['title', 'description', 'nodeId', 'leadRegion', 'department', 'ownerName', 'dueOn', 'region'] as const) {
      if (k === 'region' && user?.role !== 'admin') continue;
      const next = norm(v[k]);
      if (next !== norm(initial[k])) (patch as any)[k] = next;
    }
    if (Object.keys(patch).length === 1) {
      onDone();
      return;
    }
    try {
      await write.mutateAsync({ method: 'PATCH', path: '', body: patch });
      message.success(t('entry.saved'));
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.fields) form.setFields(Object.entries(e.fields).map(([k, msg]) => ({ name: k as any, errors: [pickLang(msg, lang)] })));
      setFormError(e instanceof ApiError && e.code === 'lists.version_mismatch' ? t('entry.versionMismatch') : errText(e));
    }
  };
  const regionOptions = REGIONS.map((r) => ({ value: r, label: REGION_NAMES[r][lang] }));
  return (
    <Form<EditValues> form={form} layout="vertical" initialValues={initial} onFinish={submit} data-testid="entry-form" onValuesChange={() => formError && setFormError(null)}>
      <Form.Item name="title" label={t('entry.f.title')} rules={[{ required: true, whitespace: true, message: t('entry.f.titleRequired') }]}>
        <Input maxLength={200} data-testid="f-title" />
      </Form.Item>
      <Form.Item name="description" label={t('entry.f.description')}>
        <Input.TextArea rows={3} maxLength={5000} data-testid="f-description" />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Form.Item name="nodeId" label={t('entry.f.node')} rules={[{ required: true, message: t('entry.f.nodeRequired') }]}>
            <Select options={nodeOptions(chain.data, pick)} loading={chain.isPending} showSearch={{ filterOption: nodeFilter }} data-testid="f-node" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="leadRegion" label={t('entry.f.leadRegion')}>
            <Select allowClear options={regionOptions} data-testid="f-lead" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="department" label={t('entry.f.department')}>
            <AutoComplete allowClear options={REGIONS.map((r) => ({ value: REGION_DEPARTMENTS[r] }))} placeholder={t('entry.f.departmentPlaceholder')} data-testid="f-department" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="ownerName" label={t('entry.f.ownerName')}>
            <Input maxLength={100} placeholder={t('entry.f.ownerPlaceholder')} data-testid="f-owner" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="dueOn" label={t('entry.f.dueOn')} getValueFromEvent={(e) => e.target.value || null}>
            <Input type="date" data-testid="f-due" />
          </Form.Item>
        </Col>
        {user?.role === 'admin' && (
          <Col xs={24} md={12}>
            <Form.Item name="region" label={t('entry.f.region')} extra={t('entry.f.regionAdmin')}>
              <Select options={regionOptions} data-testid="f-region" />
            </Form.Item>
          </Col>
        )}
      </Row>
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} data-testid="entry-form-error" />}
      <Space>
        <Button type="primary" htmlType="submit" loading={write.isPending} data-testid="entry-save">
          {t('entry.save')}
        </Button>
        <Button onClick={onDone}>{t('entry.cancel')}</Button>
      </Space>
    </Form>
  );
}

function Facts({ facts }: { facts: unknown }) {
  const { t, lang } = useLang();
  const f = facts as Record<string, { organizations: number; rnd: number; pilot: number; production: number; anchors: number }> | null;
  if (!f || typeof f !== 'object' || !f.overall) return null;
  const rows = (['overall', 'BJ', 'TJ', 'HE', 'outside'] as const)
    .filter((k) => f[k])
    .map((k) => ({ key: k, name: k === 'overall' ? t('diag.scope.overall') : REGION_NAMES[k][lang], ...f[k] }));
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={rows}
      style={{ marginTop: 8 }}
      data-testid="entry-facts"
      columns={[
        { title: '', dataIndex: 'name', key: 'name' },
        { title: t('entry.facts.orgs'), dataIndex: 'organizations', key: 'o', align: 'right' },
        { title: t('node.diag.stage.rnd'), dataIndex: 'rnd', key: 'r', align: 'right' },
        { title: t('node.diag.stage.pilot'), dataIndex: 'pilot', key: 'p', align: 'right' },
        { title: t('node.diag.stage.production'), dataIndex: 'production', key: 'm', align: 'right' },
        { title: t('entry.facts.anchors'), dataIndex: 'anchors', key: 'a', align: 'right' },
      ]}
    />
  );
}

function LinkedOrganizations({ entry, write }: { entry: ListEntry; write: ReturnType<typeof useEntryWrite> }) {
  const { t, lang } = useLang();
  const { user } = useAuth();
  const { message } = App.useApp();
  const errText = useErrorText();
  const roles = ORG_ROLES_BY_KIND[entry.kind];
  const [orgId, setOrgId] = useState<number | null>(null);
  const [role, setRole] = useState<EntryOrgRole>(roles[0]);
  const [note, setNote] = useState('');
  const add = async (organizationId: number, r: EntryOrgRole, n: string | null) => {
    try {
      await write.mutateAsync({ method: 'POST', path: '/organizations', body: { organizationId, role: r, note: n } });
      message.success(t('entry.orgs.added'));
      setOrgId(null);
      setNote('');
    } catch (e) {
      message.error(errText(e));
    }
  };
  const remove = async (organizationId: number) => {
    try {
      await write.mutateAsync({ method: 'DELETE', path: `/organizations/${organizationId}` });
      message.success(t('entry.orgs.removed'));
    } catch (e) {
      message.error(errText(e));
    }
  };
  // 揭榜挂帅: an enterprise or provider applies for its own organisation to an open 卡点.
  const canApply =
    entry.kind === 'kadian' &&
    (entry.status === 'accepted' || entry.status === 'in_progress') &&
    (user?.role === 'enterprise' || user?.role === 'provider') &&
    !!user.organizationId &&
    !entry.organizations.some((o) => o.organizationId === user.organizationId);
  return (
    <Card size="small" title={t('entry.orgs')} data-testid="entry-orgs">
      {roles.map((r) => {
        const items = entry.organizations.filter((o) => o.role === r);
        return (
          <div key={r} className="entry-org-group" data-testid={`entry-orgs-${r}`}>
            <div className="h">
              {ENTRY_ORG_ROLE_NAMES[r][lang]} <span className="lists-sub">({items.length})</span>
            </div>
            {!items.length && <div className="lists-sub">{t('entry.orgs.none')}</div>}
            {items.map((o) => (
              <div key={o.organizationId} className="entry-org">
                <div className="who">
                  <Link to={`/organizations/${o.organizationId}`}>{o.name}</Link>
                  {o.shortName && o.shortName !== o.name && <span className="lists-sub"> （{o.shortName}）</span>}
                  <Tag color={REGION_TAG[o.region ?? 'outside']} style={{ marginInlineStart: 6 }}>
                    {REGION_NAMES[o.region ?? 'outside'][lang]}
                  </Tag>
                  <span className="lists-sub">{label(ORG_KIND_NAMES, o.kind, lang)}</span>
                  {o.note && <div className="note">{o.note}</div>}
                  <div className="lists-sub">{t('entry.orgs.addedBy', { by: o.addedBy, at: formatTime(o.addedAt, lang) })}</div>
                </div>
                {entry.canEdit && (
                  <Popconfirm title={t('entry.orgs.removeConfirm', { name: o.shortName || o.name })} onConfirm={() => remove(o.organizationId)} okButtonProps={{ danger: true }}>
                    <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('entry.orgs.remove')} data-testid={`org-remove-${o.organizationId}`} />
                  </Popconfirm>
                )}
              </div>
            ))}
          </div>
        );
      })}
      {entry.canEdit && (
        <div className="entry-org-add" data-testid="org-add">
          <OrgSelect value={orgId} onChange={(v) => setOrgId(v)} placeholder={t('entry.orgs.pick')} style={{ width: '100%' }} data-testid="org-add-select" />
          <Space wrap style={{ marginTop: 8 }}>
            {roles.length > 1 && (
              <Select value={role} onChange={setRole} options={roles.map((r) => ({ value: r, label: ENTRY_ORG_ROLE_NAMES[r][lang] }))} style={{ width: 170 }} data-testid="org-add-role" />
            )}
            <Input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('entry.orgs.note')} maxLength={500} style={{ width: 220 }} data-testid="org-add-note" />
            <Button type="primary" icon={<PlusOutlined />} disabled={!orgId} loading={write.isPending} onClick={() => orgId && add(orgId, role, note.trim() || null)} data-testid="org-add-submit">
              {t('entry.orgs.add', { role: ENTRY_ORG_ROLE_NAMES[roles.length > 1 ? role : roles[0]][lang] })}
            </Button>
          </Space>
        </div>
      )}
      {canApply && (
        <div style={{ marginTop: 12 }}>
          <Button icon={<FlagOutlined />} onClick={() => add(user!.organizationId!, 'applicant', null)} loading={write.isPending} data-testid="org-apply">
            {t('entry.orgs.apply')}
          </Button>
          <div className="lists-sub" style={{ marginTop: 4 }}>
            {t('entry.orgs.applyHint')}
          </div>
        </div>
      )}
    </Card>
  );
}

function ReadOnlyNote({ entry }: { entry: ListEntry }) {
  const { t, lang } = useLang();
  const { user } = useAuth();
  if (entry.canEdit) return null;
  const region = REGION_NAMES[entry.region][lang];
  const who = user
    ? t('entry.readOnlyWho', { role: label(USER_ROLE_NAMES, user.role, lang), region: user.region ? REGION_NAMES[user.region][lang] : '—' })
    : '';
  return (
    <Alert
      type="info"
      showIcon
      icon={<LockOutlined />}
      data-testid="entry-readonly"
      title={t('entry.readOnly', { region })}
      description={`${who}${t('entry.readOnlyWhy')}`}
      style={{ marginBottom: 16 }}
    />
  );
}

export default function EntryPage() {
  const { id: raw = '' } = useParams();
  const id = Number(raw);
  const { t, lang } = useLang();
  const q = useListEntry(id);
  const write = useEntryWrite(id);
  const [editing, setEditing] = useState(false);
  const entry = q.data;
  const chain = useChainIfAny(entry ? String(entry.chainId) : null);
  const chainCode = chain.data?.code ?? (entry ? String(entry.chainId) : '');
  const backTo = useMemo(() => (entry ? `/lists?chain=${encodeURIComponent(chainCode)}&kind=${entry.kind}` : '/lists'), [entry, chainCode]);

  if (!Number.isFinite(id) || id <= 0) return <Result status="404" title={t('entry.notFound')} extra={<Link to="/lists">{t('entry.back')}</Link>} />;
  if (q.isError) {
    if (q.error instanceof ApiError && q.error.status === 404) return <Result status="404" title={t('entry.notFound')} extra={<Link to="/lists">{t('entry.back')}</Link>} />;
    return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  }
  if (!entry) return <Skeleton active paragraph={{ rows: 12 }} />;
  const kind = LIST_KIND_NAMES[entry.kind];
  const overdue = entry.dueOn && isOpen(entry.status) && entry.dueOn < today();

  return (
    <div data-testid="entry-page">
      <div style={{ marginBottom: 8 }}>
        <Link to={backTo}>
          <ArrowLeftOutlined /> {t('entry.back')}
        </Link>
      </div>
      <div className="page-head">
        <div style={{ minWidth: 0, flex: 1 }}>
          <Space wrap size={[8, 4]} style={{ marginBottom: 4 }}>
            <KindTag kind={entry.kind} />
            <EntryStatusTag status={entry.status} testId="entry-status" />
            <OriginTag origin={entry.origin} stale={entry.proposalStale} />
            <Tag color={REGION_TAG[entry.region]}>{t('entry.ownedBy', { region: REGION_NAMES[entry.region][lang] })}</Tag>
          </Space>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="entry-title">
            {entry.title}
          </Typography.Title>
          <div className="meta">
            {chain.data ? <Link to={`/chains/${encodeURIComponent(chain.data.code)}`}>{chain.data.name}</Link> : '…'}
            {entry.nodeName && (
              <>
                {' · '}
                <Link to={`/chains/${encodeURIComponent(chainCode)}?view=diag&node=${entry.nodeId}`}>{entry.nodeName}</Link>
              </>
            )}
            {entry.segmentName ? ` · ${entry.segmentName}` : ''} · {kind.sheet}
          </div>
        </div>
        {entry.canEdit && !editing && (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="entry-edit">
            {t('entry.edit')}
          </Button>
        )}
      </div>
      <ReadOnlyNote entry={entry} />

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Workflow entry={entry} write={write} />
            <Card size="small" title={t('entry.details')} data-testid="entry-details">
              {editing ? (
                <EditForm entry={entry} write={write} onDone={() => setEditing(false)} />
              ) : (
                <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered styles={{ label: { width: 110 } }}>
                  <Descriptions.Item label={t('entry.f.kind')}>{kind[lang]}</Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.status')}>
                    <EntryStatusTag status={entry.status} />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.node')}>{entry.nodeName ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.region')}>{REGION_NAMES[entry.region][lang]}</Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.leadRegion')}>{entry.leadRegion ? REGION_NAMES[entry.leadRegion][lang] : '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.department')}>{entry.department ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.ownerName')}>{entry.ownerName ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.dueOn')}>
                    {entry.dueOn ? <span className={overdue ? 'lists-overdue' : undefined}>{entry.dueOn}</span> : '—'}
                    {overdue && <Tag color="error" style={{ marginInlineStart: 6 }}>{t('entry.overdue')}</Tag>}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.description')} span={2}>
                    <span className="prewrap">{entry.description ?? '—'}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.created')}>
                    {entry.createdBy} · {formatTime(entry.createdAt, lang)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('entry.f.updated')}>
                    {formatTime(entry.updatedAt, lang)} · v{entry.version}
                  </Descriptions.Item>
                  {entry.decidedBy && (
                    <Descriptions.Item label={t('entry.f.decided')} span={2}>
                      {entry.decidedBy} · {formatTime(entry.decidedAt, lang)}
                    </Descriptions.Item>
                  )}
                </Descriptions>
              )}
            </Card>
            {entry.origin === 'proposed' && (
              <Card size="small" title={t('entry.proposal')} data-testid="entry-proposal">
                <Typography.Paragraph style={{ marginBottom: 4 }} data-testid="entry-proposal-reason">
                  {entry.proposalReason}
                </Typography.Paragraph>
                {lang === 'en' && <div className="lists-sub">{t('node.diag.reasonZh')}</div>}
                {entry.proposalStale && <Alert type="warning" showIcon title={t('lists.staleHint')} style={{ margin: '8px 0' }} />}
                <Facts facts={entry.proposalFacts} />
                <div className="lists-sub" style={{ marginTop: 8 }}>
                  {t(entry.decided ? 'entry.proposalDecided' : 'entry.proposalUndecided')}
                  {entry.proposalCheckedAt ? ` · ${t('entry.proposalChecked', { at: formatTime(entry.proposalCheckedAt, lang) })}` : ''}
                </div>
              </Card>
            )}
          </Space>
        </Col>
        <Col xs={24} xl={10}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <LinkedOrganizations entry={entry} write={write} />
            {entry.kind === 'duandian' && entry.nodeId != null && (
              <TargetsPanel entry={entry} onAdd={(orgId, note) => write.mutateAsync({ method: 'POST', path: '/organizations', body: { organizationId: orgId, role: 'target', note: note.slice(0, 500) } })} />
            )}
            <Card size="small" title={t('entry.history')}>
              <EntryHistory entryId={entry.id} />
            </Card>
          </Space>
        </Col>
      </Row>
    </div>
  );
}
