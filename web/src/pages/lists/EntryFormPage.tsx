/** A new list entry (卡点 / 堵点 / 重点企业), by an official of its region or an administrator. */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, AutoComplete, Button, Card, Col, Form, Input, Radio, Result, Row, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useChainIfAny, useCreateEntry, type EntryInput } from '../../api/queries.lists';
import { useAuth } from '../../auth';
import { ENTRY_ORG_ROLE_NAMES, LIST_KIND_NAMES, LIST_KINDS, ORG_ROLES_BY_KIND, REGION_DEPARTMENTS, type EntryOrgRole, type ListKind } from '../../chain/diagnosis';
import { useErrorText } from '../../components/common';
import { useLang } from '../../i18n';
import { pickLang, REGION_NAMES, REGIONS, type Region } from '../../i18n/vocab';
import { OrgSelect } from '../matching/OrgSelect';
import { ChainSelect, nodeFilter, nodeOptions, useIsOfficial } from './common';

interface Values {
  kind: ListKind;
  chain: string;
  nodeId?: number;
  title: string;
  description?: string;
  region?: Region;
  leadRegion?: Region | null;
  department?: string;
  ownerName?: string;
  dueOn?: string | null;
  status: 'proposed' | 'accepted';
  orgId?: number | null;
  orgRole?: EntryOrgRole;
}

/** Server field names → form field names. */
const FIELD_MAP: Record<string, string> = { chainId: 'chain', 'organizations.0.organizationId': 'orgId', 'organizations.0.role': 'orgRole' };

export default function EntryFormPage() {
  const { t, lang, pick } = useLang();
  const { user } = useAuth();
  const official = useIsOfficial();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const errText = useErrorText();
  const [form] = Form.useForm<Values>();
  const create = useCreateEntry();
  const [formError, setFormError] = useState<string | null>(null);
  const initialKind = (LIST_KINDS as readonly string[]).includes(params.get('kind') ?? '') ? (params.get('kind') as ListKind) : 'kadian';
  const isAdmin = user?.role === 'admin';
  const ownRegion = (user?.region ?? undefined) as Region | undefined;
  const chainCode = Form.useWatch('chain', form) ?? params.get('chain') ?? '';
  const kind = (Form.useWatch('kind', form) ?? initialKind) as ListKind;
  const region = (Form.useWatch('region', form) ?? ownRegion) as Region | undefined;
  const chain = useChainIfAny(chainCode);

  // The department follows the owner region until the official types one.
  useEffect(() => {
    if (!region) return;
    const cur = form.getFieldValue('department');
    if (!cur || (Object.values(REGION_DEPARTMENTS) as string[]).includes(cur)) form.setFieldValue('department', REGION_DEPARTMENTS[region]);
  }, [region, form]);

  if (!official)
    return <Result status="403" title={t('entryForm.notAllowed')} extra={<Link to="/lists">{t('entry.back')}</Link>} />;

  const submit = async (v: Values) => {
    setFormError(null);
    const input: EntryInput = {
      chainId: v.chain,
      nodeId: v.nodeId!,
      kind: v.kind,
      title: v.title.trim(),
      description: v.description?.trim() || null,
      ...(isAdmin ? { region: v.region } : {}),
      leadRegion: v.leadRegion ?? null,
      department: v.department?.trim() || null,
      ownerName: v.ownerName?.trim() || null,
      dueOn: v.dueOn || null,
      status: v.status,
      organizations: v.orgId ? [{ organizationId: v.orgId, role: v.orgRole ?? ORG_ROLES_BY_KIND[v.kind][0] }] : [],
    };
    try {
      const e = await create.mutateAsync(input);
      navigate(`/lists/${e.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.fields)
        form.setFields(Object.entries(e.fields).map(([k, msg]) => ({ name: (FIELD_MAP[k] ?? k) as any, errors: [pickLang(msg, lang)] })));
      setFormError(errText(e));
    }
  };
  const roles = ORG_ROLES_BY_KIND[kind];

  return (
    <div data-testid="entry-form-page">
      <div style={{ marginBottom: 8 }}>
        <Link to={chainCode ? `/lists?chain=${encodeURIComponent(chainCode)}&kind=${kind}` : '/lists'}>
          <ArrowLeftOutlined /> {t('entry.back')}
        </Link>
      </div>
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('entryForm.title')}
          </Typography.Title>
          <div className="meta">{t('entryForm.subtitle')}</div>
        </div>
      </div>
      <Card style={{ maxWidth: 900 }}>
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={submit}
          onValuesChange={() => formError && setFormError(null)}
          initialValues={{
            kind: initialKind,
            chain: params.get('chain') ?? undefined,
            nodeId: params.get('node') ? Number(params.get('node')) : undefined,
            region: ownRegion ?? 'BJ',
            leadRegion: ownRegion ?? null,
            department: ownRegion ? REGION_DEPARTMENTS[ownRegion] : undefined,
            status: 'accepted',
            orgRole: ORG_ROLES_BY_KIND[initialKind][0],
          }}
          data-testid="entry-create-form"
        >
          <Form.Item name="kind" label={t('entry.f.kind')} rules={[{ required: true }]}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              onChange={(e) => form.setFieldValue('orgRole', ORG_ROLES_BY_KIND[e.target.value as ListKind][0])}
              options={LIST_KINDS.map((k) => ({ value: k, label: LIST_KIND_NAMES[k].list[lang] }))}
            />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} md={10}>
              <Form.Item name="chain" label={t('entryForm.chain')} rules={[{ required: true, message: t('entryForm.chainRequired') }]}>
                <ChainSelect onChange={(v) => form.setFieldsValue({ chain: v, nodeId: undefined })} style={{ width: '100%' }} testId="f-chain" />
              </Form.Item>
            </Col>
            <Col xs={24} md={14}>
              <Form.Item name="nodeId" label={t('entry.f.node')} rules={[{ required: true, message: t('entry.f.nodeRequired') }]}>
                <Select
                  options={nodeOptions(chain.data, pick)}
                  loading={!!chainCode && chain.isPending}
                  disabled={!chainCode}
                  showSearch={{ filterOption: nodeFilter }}
                  placeholder={t('entryForm.pickNode')}
                  data-testid="f-node"
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="title" label={t('entry.f.title')} rules={[{ required: true, whitespace: true, message: t('entry.f.titleRequired') }]}>
            <Input maxLength={200} placeholder={t(`entryForm.titlePh.${kind}`)} data-testid="f-title" />
          </Form.Item>
          <Form.Item name="description" label={t('entry.f.description')}>
            <Input.TextArea rows={3} maxLength={5000} data-testid="f-description" />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Form.Item
                name="region"
                label={t('entry.f.region')}
                extra={isAdmin ? t('entryForm.regionAdmin') : t('entryForm.regionFixed', { region: ownRegion ? REGION_NAMES[ownRegion][lang] : '—' })}
              >
                <Select disabled={!isAdmin} options={REGIONS.map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))} data-testid="f-region" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="leadRegion" label={t('entry.f.leadRegion')}>
                <Select allowClear options={REGIONS.map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="status" label={t('entryForm.status')}>
                <Radio.Group
                  options={[
                    { value: 'proposed', label: t('entryForm.status.proposed') },
                    { value: 'accepted', label: t('entryForm.status.accepted') },
                  ]}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="department" label={t('entry.f.department')}>
                <AutoComplete allowClear options={REGIONS.map((r) => ({ value: REGION_DEPARTMENTS[r] }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="ownerName" label={t('entry.f.ownerName')}>
                <Input maxLength={100} placeholder={t('entry.f.ownerPlaceholder')} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="dueOn" label={t('entry.f.dueOn')} getValueFromEvent={(e) => e.target.value || null}>
                <Input type="date" data-testid="f-due" />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={12}>
            <Col xs={24} md={16}>
              <Form.Item name="orgId" label={t('entryForm.firstOrg')} extra={t('entryForm.firstOrgHint')}>
                <OrgSelect placeholder={t('entry.orgs.pick')} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="orgRole" label={t('entryForm.orgRole')}>
                <Select options={roles.map((r) => ({ value: r, label: ENTRY_ORG_ROLE_NAMES[r][lang] }))} disabled={roles.length < 2} />
              </Form.Item>
            </Col>
          </Row>
          {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} data-testid="entry-create-error" />}
          <Space>
            <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="entry-create-submit">
              {t('entryForm.submit')}
            </Button>
            <Button onClick={() => navigate(-1)}>{t('entry.cancel')}</Button>
          </Space>
        </Form>
      </Card>
    </div>
  );
}
