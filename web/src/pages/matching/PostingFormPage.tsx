import { ArrowLeftOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { App, Alert, Button, Card, Checkbox, Col, Drawer, Form, Input, InputNumber, Radio, Result, Row, Select, Skeleton, Space, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { previewMatches, usePosting, useSavePosting, type MatchResult, type Posting, type PostingInput } from '../../api/queries.matching';
import { useAuth } from '../../auth';
import { ErrorAlert, useErrorText } from '../../components/common';
import { useLang, type DictKey } from '../../i18n';
import { pickLang, REGION_NAMES } from '../../i18n/vocab';
import { MatchList } from './MatchList';
import { MatchingNav, NodeSelect, useActsOnBehalf } from './common';
import { OrgSelect } from './OrgSelect';
import {
  ACCREDITATIONS,
  FINANCING_INSTRUMENT_NAMES,
  FINANCING_INSTRUMENTS,
  GRADE_NAMES,
  GRADES,
  LICENSING_MODE_NAMES,
  LICENSING_MODES,
  MATCH_STAGE_NAMES,
  MATCH_STAGES,
  nameOf,
  PILOT_SERVICE_NAMES,
  PILOT_SERVICES,
  POSTING_KIND_NAMES,
  POSTING_KINDS,
  PROCESS_NAMES,
  PROCESSES,
  RND_MODE_NAMES,
  RND_MODES,
  type Direction,
  type PostingKind,
} from './vocab';

interface FormValues {
  organizationId?: number | null;
  direction: Direction;
  kind: PostingKind;
  title: string;
  description?: string;
  stage?: string;
  nodeIds?: number[];
  regionsWanted?: string[];
  deadline?: string;
  fields: Record<string, any>;
}

const KIND_HINT: Record<PostingKind, DictKey> = {
  procurement: 'matching.kindHint.procurement',
  contract_manufacturing: 'matching.kindHint.contract_manufacturing',
  pilot_scale: 'matching.kindHint.pilot_scale',
  lab_testing: 'matching.kindHint.lab_testing',
  rnd_partner: 'matching.kindHint.rnd_partner',
  licensing: 'matching.kindHint.licensing',
  financing: 'matching.kindHint.financing',
};

/** Drops empty optional values so the server applies its defaults. */
function clean(v: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, x] of Object.entries(v ?? {})) {
    if (x === undefined || x === null || x === '') continue;
    if (typeof x === 'string') {
      if (x.trim()) out[k] = x.trim();
      continue;
    }
    out[k] = x;
  }
  return out;
}

function tagsSelect(placeholder: string, testId?: string) {
  return <Select mode="tags" tokenSeparators={[',', '，', '、', ';', '；']} placeholder={placeholder} open={false} suffixIcon={null} data-testid={testId} />;
}

/** The structured fields of one kind. Numbers mean the need on a demand and the offer on a capability. */
function KindFields({ kind, direction }: { kind: PostingKind; direction: Direction }) {
  const { t, lang } = useLang();
  const cap = direction === 'capability';
  const opts = <K extends string>(keys: readonly K[], names: Record<K, { zh: string; en: string }>) => keys.map((k) => ({ value: k, label: names[k][lang] }));
  const leadTime = cap && (
    <Col xs={24} md={8}>
      <Form.Item name={['fields', 'leadTimeDays']} label={t('matching.f.leadTimeDays')}>
        <InputNumber min={0} max={3650} style={{ width: '100%' }} suffix={t('matching.unit.days')} />
      </Form.Item>
    </Col>
  );
  switch (kind) {
    case 'procurement':
      return (
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item name={['fields', 'items']} label={t('matching.f.items')} rules={[{ required: true, message: t('matching.required') }]} extra={t('matching.tagsHint')}>
              {tagsSelect(t('matching.f.itemsPh'), 'f-items')}
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name={['fields', 'quantity']} label={cap ? t('matching.f.capacity') : t('matching.f.quantity')}>
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name={['fields', 'unit']} label={t('matching.f.unit')}>
              <Input placeholder={t('matching.f.unitPh')} maxLength={20} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={['fields', 'grades']} label={t('matching.f.grades')}>
              <Select mode="multiple" options={opts(GRADES, GRADE_NAMES)} />
            </Form.Item>
          </Col>
          {!cap && (
            <Col xs={24} md={8}>
              <Form.Item name={['fields', 'budgetWan']} label={t('matching.f.budgetWan')}>
                <InputNumber min={0} style={{ width: '100%' }} suffix={t('matching.unit.wan')} />
              </Form.Item>
            </Col>
          )}
          {leadTime}
        </Row>
      );
    case 'contract_manufacturing':
      return (
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item name={['fields', 'processes']} label={cap ? t('matching.f.processesOffer') : t('matching.f.processes')} rules={[{ required: true, message: t('matching.required') }]}>
              <Checkbox.Group options={opts(PROCESSES, PROCESS_NAMES)} data-testid="f-processes" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={['fields', 'product']} label={t('matching.f.product')}>
              <Input placeholder={t('matching.f.productPh')} maxLength={200} data-testid="f-product" />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name={['fields', 'quantity']} label={cap ? t('matching.f.capacity') : t('matching.f.batch')} extra={!cap ? t('matching.f.batchHint') : undefined}>
              <InputNumber min={0} style={{ width: '100%' }} data-testid="f-quantity" />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name={['fields', 'unit']} label={t('matching.f.unit')}>
              <Input placeholder={t('matching.f.unitPh')} maxLength={20} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name={['fields', 'certifications']} label={t('matching.f.certifications')}>
              {tagsSelect('ISO9001, IATF16949, ISO13485')}
            </Form.Item>
          </Col>
          {leadTime}
        </Row>
      );
    case 'pilot_scale':
      return (
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item name={['fields', 'services']} label={t('matching.f.services')} rules={[{ required: true, message: t('matching.required') }]}>
              <Checkbox.Group options={opts(PILOT_SERVICES, PILOT_SERVICE_NAMES)} data-testid="f-services" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={['fields', 'product']} label={t('matching.f.targetProduct')}>
              <Input placeholder={t('matching.f.targetProductPh')} maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name={['fields', 'volumeL']} label={cap ? t('matching.f.volumeOffer') : t('matching.f.volume')}>
              <InputNumber min={0} style={{ width: '100%' }} suffix="L" data-testid="f-volume" />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name={['fields', 'lines']} label={cap ? t('matching.f.linesOffer') : t('matching.f.lines')}>
              <InputNumber min={1} max={1000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name={['fields', 'grades']} label={t('matching.f.gmp')}>
              <Select mode="multiple" options={opts(GRADES, GRADE_NAMES)} />
            </Form.Item>
          </Col>
          {leadTime}
        </Row>
      );
    case 'lab_testing':
      return (
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item name={['fields', 'tests']} label={t('matching.f.tests')} rules={[{ required: true, message: t('matching.required') }]} extra={t('matching.tagsHint')}>
              {tagsSelect(t('matching.f.testsPh'))}
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name={['fields', 'accreditations']} label={t('matching.f.accreditations')}>
              <Checkbox.Group options={ACCREDITATIONS.map((a) => ({ value: a, label: a }))} />
            </Form.Item>
          </Col>
          {!cap && (
            <Col xs={12} md={6}>
              <Form.Item name={['fields', 'samples']} label={t('matching.f.samples')}>
                <InputNumber min={1} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          )}
          {leadTime}
          <Col span={24}>
            <Alert type="info" showIcon title={<span>{t('matching.f.instrumentHint')} <Link to="/matching/instruments">{t('matching.nav.instruments')}</Link></span>} />
          </Col>
        </Row>
      );
    case 'rnd_partner':
      return (
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item name={['fields', 'topics']} label={t('matching.f.topics')} rules={[{ required: true, message: t('matching.required') }]} extra={t('matching.tagsHint')}>
              {tagsSelect(t('matching.f.topicsPh'), 'f-topics')}
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name={['fields', 'mode']} label={t('matching.f.rndMode')}>
              <Radio.Group options={opts(RND_MODES, RND_MODE_NAMES)} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name={['fields', 'budgetWan']} label={t('matching.f.budgetWan')}>
              <InputNumber min={0} style={{ width: '100%' }} suffix={t('matching.unit.wan')} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name={['fields', 'durationMonths']} label={t('matching.f.durationMonths')}>
              <InputNumber min={1} max={240} style={{ width: '100%' }} suffix={t('matching.unit.months')} />
            </Form.Item>
          </Col>
        </Row>
      );
    case 'licensing':
      return (
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item name={['fields', 'technology']} label={t('matching.f.technology')} rules={[{ required: true, message: t('matching.required') }]}>
              <Input maxLength={200} placeholder={t('matching.f.technologyPh')} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name={['fields', 'patents']} label={t('matching.f.patents')}>
              {tagsSelect(t('matching.f.patentsPh'))}
            </Form.Item>
          </Col>
          <Col xs={24} md={14}>
            <Form.Item name={['fields', 'mode']} label={t('matching.f.licMode')}>
              <Radio.Group options={opts(LICENSING_MODES, LICENSING_MODE_NAMES)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name={['fields', 'priceWan']} label={cap ? t('matching.f.price') : t('matching.f.budgetWan')}>
              <InputNumber min={0} style={{ width: '100%' }} suffix={t('matching.unit.wan')} />
            </Form.Item>
          </Col>
        </Row>
      );
    case 'financing':
      return (
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name={['fields', 'amountWan']} label={cap ? t('matching.f.amountOffer') : t('matching.f.amount')}>
              <InputNumber min={0} style={{ width: '100%' }} suffix={t('matching.unit.wan')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name={['fields', 'instruments']} label={t('matching.f.instruments')}>
              <Checkbox.Group options={opts(FINANCING_INSTRUMENTS, FINANCING_INSTRUMENT_NAMES)} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name={['fields', 'purpose']} label={t('matching.f.purpose')}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
        </Row>
      );
  }
}

function initialFromQuery(q: URLSearchParams): Partial<FormValues> {
  const kind = (POSTING_KINDS as readonly string[]).includes(q.get('kind') ?? '') ? (q.get('kind') as PostingKind) : 'contract_manufacturing';
  const direction: Direction = q.get('direction') === 'capability' ? 'capability' : 'demand';
  const fields: Record<string, any> = {};
  const items = (q.get('items') ?? '').split('|').map((x) => x.trim()).filter(Boolean);
  if (items.length && kind === 'procurement') fields.items = items;
  return {
    direction,
    kind,
    title: q.get('title') ?? '',
    nodeIds: q.get('nodeId') ? [Number(q.get('nodeId'))] : [],
    regionsWanted: [],
    stage: '',
    fields,
  };
}

function fromPosting(p: Posting): FormValues {
  return {
    direction: p.direction,
    kind: p.kind,
    title: p.title,
    description: p.description,
    stage: p.stageSource === 'posting' ? p.stage : '',
    nodeIds: p.nodes.map((n) => n.id),
    regionsWanted: p.regionsWanted,
    deadline: p.deadline ?? undefined,
    fields: p.fields,
  };
}

export default function PostingFormPage() {
  const { id } = useParams();
  const editId = id ? Number(id) : null;
  const existing = usePosting(editId ?? 0);
  if (editId && existing.isPending) return <Skeleton active paragraph={{ rows: 12 }} />;
  if (editId && existing.isError) return <ErrorAlert error={existing.error} onRetry={() => existing.refetch()} />;
  return <PostingForm posting={editId ? existing.data! : null} />;
}

function PostingForm({ posting }: { posting: Posting | null }) {
  const { t, lang } = useLang();
  const { user } = useAuth();
  const { message } = App.useApp();
  const errText = useErrorText();
  const navigate = useNavigate();
  const [query] = useSearchParams();
  const onBehalf = useActsOnBehalf();
  const save = useSavePosting();
  const [form] = Form.useForm<FormValues>();
  const initial = useMemo(() => (posting ? fromPosting(posting) : initialFromQuery(query)), [posting, query]);
  const kind = (Form.useWatch('kind', form) ?? initial.kind) as PostingKind;
  const direction = (Form.useWatch('direction', form) ?? initial.direction) as Direction;
  const [formError, setFormError] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ open: boolean; loading: boolean; data: MatchResult | null; error: unknown }>({ open: false, loading: false, data: null, error: null });
  const editing = !!posting;

  useEffect(() => {
    if (!editing) form.setFieldValue('fields', kind === initial.kind ? (initial.fields ?? {}) : {});
    // reset the structured fields when the kind changes (not on the first render)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind]);

  if (posting && !posting.canEdit) return <Result status="403" title={t('matching.form.notAllowed')} extra={<Link to={`/matching/postings/${posting.id}`}>{t('matching.back')}</Link>} />;
  if (!editing && !onBehalf && !user?.organizationId) return <Result status="info" title={t('matching.form.noOrg')} />;

  const build = (v: FormValues): PostingInput =>
    ({
      ...(onBehalf && v.organizationId ? { organizationId: v.organizationId } : {}),
      direction: v.direction,
      kind: v.kind,
      title: v.title?.trim(),
      description: v.description?.trim() ?? '',
      stage: v.stage ? v.stage : null,
      nodeIds: v.nodeIds ?? [],
      regionsWanted: v.regionsWanted ?? [],
      deadline: v.deadline || null,
      fields: clean(v.fields ?? {}),
    }) as PostingInput;

  const showServerErrors = (e: unknown) => {
    if (e instanceof ApiError && e.fields) {
      const known: Array<{ name: any; errors: string[] }> = [];
      const rest: string[] = [];
      for (const [k, msg] of Object.entries(e.fields)) {
        const path = k.replace(/^probe\./, '').split('.');
        const name = path.map((x) => (/^\d+$/.test(x) ? Number(x) : x));
        if (form.getFieldInstance(name as any) !== undefined || ['title', 'description', 'fields', 'nodeIds', 'regionsWanted', 'deadline', 'organizationId'].includes(path[0]))
          known.push({ name: name.length > 2 ? name.slice(0, 2) : name, errors: [pickLang(msg, lang)] });
        else rest.push(`${k}: ${pickLang(msg, lang)}`);
      }
      form.setFields(known);
      setFormError(rest.length ? rest.join('；') : pickLang(e.message, lang));
    } else setFormError(errText(e));
  };

  const submit = async (v: FormValues) => {
    setFormError(null);
    try {
      const body = build(v);
      const saved = editing
        ? await save.mutateAsync({
            id: posting!.id,
            patch: { title: body.title, description: body.description, stage: body.stage, nodeIds: body.nodeIds, regionsWanted: body.regionsWanted, deadline: body.deadline, fields: body.fields, version: posting!.version },
          })
        : await save.mutateAsync({ input: body });
      message.success(editing ? t('matching.form.saved') : t('matching.form.published'));
      navigate(`/matching/postings/${saved.id}`);
    } catch (e) {
      showServerErrors(e);
    }
  };

  const runPreview = async () => {
    try {
      const v = await form.validateFields();
      setPreview({ open: true, loading: true, data: null, error: null });
      const r = await previewMatches(build(v), 8);
      setPreview({ open: true, loading: false, data: r, error: null });
    } catch (e) {
      if (e instanceof ApiError) {
        setPreview({ open: false, loading: false, data: null, error: null });
        showServerErrors(e);
      }
    }
  };

  return (
    <div data-testid="posting-form-page">
      <div style={{ marginBottom: 8 }}>
        <Link to={posting ? `/matching/postings/${posting.id}` : '/matching'}>
          <ArrowLeftOutlined /> {posting ? t('matching.back') : t('matching.nav.postings')}
        </Link>
      </div>
      <div className="page-head">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {editing ? t('matching.form.editTitle') : t('matching.form.title')}
        </Typography.Title>
      </div>
      {!editing && <MatchingNav extra={<span />} />}
      <Form<FormValues> form={form} layout="vertical" initialValues={initial} onFinish={submit} onValuesChange={() => formError && setFormError(null)} data-testid="posting-form" scrollToFirstError>
        <Row gutter={16}>
          <Col xs={24} xl={16}>
            <Card size="small">
              <div className="form-section">{t('matching.form.what')}</div>
              <Form.Item name="direction" label={t('matching.form.direction')}>
                <Radio.Group disabled={editing} optionType="button" buttonStyle="solid" data-testid="f-direction">
                  <Radio.Button value="demand">{t('matching.form.demand')}</Radio.Button>
                  <Radio.Button value="capability">{t('matching.form.capability')}</Radio.Button>
                </Radio.Group>
              </Form.Item>
              <Form.Item name="kind" label={t('matching.form.kind')}>
                <KindPicker disabled={editing} />
              </Form.Item>
              {onBehalf && !editing && (
                <Form.Item name="organizationId" label={t('matching.form.org')} rules={[{ required: true, message: t('matching.form.orgRequired') }]} extra={t('matching.form.orgHint')}>
                  <OrgSelect placeholder={t('matching.form.orgPh')} region={user?.role === 'official' ? (user.region ?? undefined) : undefined} data-testid="f-org" />
                </Form.Item>
              )}
              <Form.Item name="title" label={t('matching.form.titleLabel')} rules={[{ required: true, min: 4, message: t('matching.form.titleRule') }]}>
                <Input maxLength={200} placeholder={direction === 'demand' ? t('matching.form.titlePhDemand') : t('matching.form.titlePhCap')} data-testid="f-title" />
              </Form.Item>
              <Form.Item name="description" label={t('matching.form.description')}>
                <Input.TextArea rows={3} maxLength={5000} showCount data-testid="f-description" />
              </Form.Item>
              <div className="form-section">{nameOf(POSTING_KIND_NAMES, kind, lang)}</div>
              <KindFields kind={kind} direction={direction} />
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <Card size="small">
              <div className="form-section">{t('matching.form.where')}</div>
              <Form.Item name="nodeIds" label={t('matching.form.nodes')} extra={t('matching.form.nodesHint')}>
                <NodeSelect multiple known={posting?.nodes ?? []} preload={query.get('chain') ?? undefined} placeholder={t('matching.node')} data-testid="f-nodes" />
              </Form.Item>
              <Form.Item name="regionsWanted" label={direction === 'demand' ? t('matching.form.regionsWanted') : t('matching.form.regionsServed')} extra={t('matching.form.regionsHint')}>
                <Checkbox.Group options={(['BJ', 'TJ', 'HE'] as const).map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))} data-testid="f-regions" />
              </Form.Item>
              <Form.Item name="stage" label={t('matching.form.stage')} extra={t('matching.form.stageHint')}>
                <Select
                  options={[{ value: '', label: t('matching.form.stageAuto') }, ...MATCH_STAGES.map((s) => ({ value: s, label: MATCH_STAGE_NAMES[s][lang] }))]}
                  data-testid="f-stage"
                />
              </Form.Item>
              <Form.Item name="deadline" label={t('matching.form.deadline')}>
                <Input type="date" data-testid="f-deadline" />
              </Form.Item>
            </Card>
            {formError && <Alert type="error" showIcon title={formError} style={{ marginTop: 12 }} data-testid="form-error" />}
            <Space style={{ marginTop: 16 }} wrap>
              <Button type="primary" htmlType="submit" loading={save.isPending} size="large" data-testid="f-submit">
                {editing ? t('matching.form.save') : t('matching.form.publish')}
              </Button>
              {!editing && (
                <Button icon={<ThunderboltOutlined />} size="large" onClick={runPreview} data-testid="f-preview">
                  {t('matching.form.preview')}
                </Button>
              )}
            </Space>
            <div className="map-note">{t('matching.form.afterPublish')}</div>
          </Col>
        </Row>
      </Form>
      <Drawer
        open={preview.open}
        onClose={() => setPreview((p) => ({ ...p, open: false }))}
        size={720}
        title={t('matching.form.previewTitle')}
        destroyOnHidden
      >
        {preview.loading && <Skeleton active paragraph={{ rows: 10 }} />}
        {preview.data && <MatchList result={preview.data} />}
      </Drawer>
    </div>
  );
}

function KindPicker({ value, onChange, disabled }: { value?: PostingKind; onChange?: (k: PostingKind) => void; disabled?: boolean }) {
  const { t, lang } = useLang();
  return (
    <div className="kind-grid" data-testid="f-kind">
      {POSTING_KINDS.map((k) => (
        <div
          key={k}
          role="radio"
          aria-checked={value === k}
          tabIndex={0}
          className={`k${value === k ? ' on' : ''}`}
          style={disabled && value !== k ? { opacity: 0.45, cursor: 'not-allowed' } : undefined}
          onClick={() => !disabled && onChange?.(k)}
          onKeyDown={(e) => e.key === 'Enter' && !disabled && onChange?.(k)}
          data-testid={`kind-${k}`}
        >
          <div className="n">{POSTING_KIND_NAMES[k][lang]}</div>
          <div className="d">{t(KIND_HINT[k])}</div>
        </div>
      ))}
    </div>
  );
}
