/**
 * The chain's diagnostic rules: the sentences an official reads, a form for the numbers (officials
 * of the chain's owner region and administrators), reset to the defaults, and re-running the
 * proposals with the counts of what changed.
 */
import { SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Col, Divider, Drawer, Form, InputNumber, Popconfirm, Radio, Row, Skeleton, Space, Switch, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { useDiagnosticRules, useSaveRules, type DiagnosticRules, type ProposalsResult } from '../api/queries.lists';
import { ProposalsSummary, RerunButton } from './Proposals';
import './diagnostics.css';
import { ErrorAlert, formatTime, useErrorText } from '../components/common';
import { useLang, type DictKey } from '../i18n';
import { pickLang, REGION_NAMES, type Region } from '../i18n/vocab';

const PROPOSAL_SWITCHES = ['duandianMissing', 'duandianNoProduction', 'duandianWeak', 'kadianNoRnd', 'kadianNoPilot', 'keyEnterpriseFromRoles'] as const;

interface FormValues extends DiagnosticRules {
  revenueOn: boolean;
}

function toForm(r: DiagnosticRules): FormValues {
  return { ...r, revenueOn: r.proposals.keyEnterpriseMinRevenueWan !== null, proposals: { ...r.proposals, keyEnterpriseMinRevenueWan: r.proposals.keyEnterpriseMinRevenueWan ?? 100_000 } };
}

function fromForm(v: FormValues): DiagnosticRules {
  const { revenueOn, ...rules } = v;
  return { ...rules, proposals: { ...rules.proposals, keyEnterpriseMinRevenueWan: revenueOn ? (rules.proposals.keyEnterpriseMinRevenueWan ?? 0) : null } };
}

export default function RulesDrawer({
  chainCode,
  chainName,
  leadRegion,
  open,
  onClose,
}: {
  chainCode: string;
  chainName: string;
  leadRegion: Region | null;
  open: boolean;
  onClose: () => void;
}) {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const errText = useErrorText();
  const q = useDiagnosticRules(chainCode, open);
  const save = useSaveRules(chainCode);
  const [form] = Form.useForm<FormValues>();
  const [result, setResult] = useState<ProposalsResult | null>(null);
  const [saved, setSaved] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const data = q.data;
  const canEdit = !!data?.canEdit;

  useEffect(() => {
    if (data) form.setFieldsValue(toForm(data.rules));
  }, [data, form]);

  const submit = async (v: FormValues) => {
    setFormError(null);
    try {
      await save.mutateAsync(fromForm(v));
      setSaved(true);
      message.success(t('rules.saved'));
    } catch (e) {
      if (e instanceof ApiError && e.fields) {
        form.setFields(Object.entries(e.fields).map(([k, msg]) => ({ name: k.split('.') as any, errors: [pickLang(msg, lang)] })));
      }
      setFormError(errText(e));
    }
  };
  const reset = async () => {
    setFormError(null);
    try {
      await save.mutateAsync({ reset: true });
      setSaved(true);
      message.success(t('rules.resetDone'));
    } catch (e) {
      setFormError(errText(e));
    }
  };

  const statusRule = (scope: 'region' | 'overall') => (
    <div className="rules-block">
      <div className="rules-section">{t(scope === 'region' ? 'rules.scope.region' : 'rules.scope.overall')}</div>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name={[scope, 'strong', 'minProduction']} label={t('rules.minProduction')} rules={[{ required: true }]}>
            <InputNumber min={0} max={1_000_000} precision={0} style={{ width: '100%' }} data-testid={`rules-${scope}-minProduction`} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={[scope, 'strong', 'minStages']} label={t('rules.minStages')} rules={[{ required: true }]}>
            <InputNumber min={0} max={3} precision={0} style={{ width: '100%' }} data-testid={`rules-${scope}-minStages`} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={[scope, 'weak', 'minOrganizations']} label={t('rules.minOrganizations')} rules={[{ required: true }]}>
            <InputNumber min={1} max={1_000_000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={[scope, 'strong', 'anchorQualifies']} label={t('rules.anchorQualifies')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
    </div>
  );

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={640}
      title={t('rules.title', { chain: chainName })}
      data-testid="rules-drawer"
      extra={
        data && (
          <Tag color={data.isDefault ? 'default' : 'gold'} style={{ marginInlineEnd: 0 }}>
            {data.isDefault ? t('rules.isDefault') : t('rules.custom')}
          </Tag>
        )
      }
    >
      {q.isError && <ErrorAlert error={q.error} onRetry={() => q.refetch()} />}
      {q.isPending && <Skeleton active paragraph={{ rows: 10 }} />}
      {data && (
        <>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('rules.explanation')}
          </Typography.Title>
          <ol className="rules-sentences" data-testid="rules-explanation">
            {data.explanation.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
          {data.updatedAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('rules.updated', { by: data.updatedBy ?? '—', at: formatTime(data.updatedAt, lang) })}
            </Typography.Text>
          )}
          <Divider style={{ margin: '14px 0' }} />
          <Space orientation="vertical" style={{ width: '100%' }} size={10}>
            <Space wrap>
              <RerunButton chainCode={chainCode} onDone={(r) => setResult(r)} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('rules.rerunHint')}
              </Typography.Text>
            </Space>
            {result && <ProposalsSummary r={result} />}
            {saved && !result && <Alert type="info" showIcon title={t('rules.savedRerunHint')} />}
          </Space>
          <Divider style={{ margin: '14px 0' }} />
          {!canEdit && (
            <Alert
              type="info"
              showIcon
              data-testid="rules-readonly"
              title={t('rules.readOnly', { region: leadRegion ? REGION_NAMES[leadRegion][lang] : '—' })}
              style={{ marginBottom: 12 }}
            />
          )}
          <Form<FormValues> form={form} layout="vertical" disabled={!canEdit} onFinish={submit} requiredMark={false} data-testid="rules-form" size="small">
            {statusRule('region')}
            {statusRule('overall')}
            <Form.Item name="includeReview" valuePropName="checked">
              <Checkbox>{t('rules.includeReview')}</Checkbox>
            </Form.Item>
            <div className="rules-section">{t('rules.proposals')}</div>
            {PROPOSAL_SWITCHES.map((k) => (
              <Form.Item key={k} name={['proposals', k]} valuePropName="checked" style={{ marginBottom: 4 }}>
                <Checkbox>{t(`rules.p.${k}` as DictKey)}</Checkbox>
              </Form.Item>
            ))}
            <Space align="baseline" wrap style={{ marginTop: 4 }}>
              <Form.Item name="revenueOn" valuePropName="checked" style={{ marginBottom: 8 }}>
                <Checkbox>{t('rules.p.keyEnterpriseMinRevenueWan')}</Checkbox>
              </Form.Item>
              <Form.Item noStyle shouldUpdate={(a, b) => a.revenueOn !== b.revenueOn}>
                {({ getFieldValue }) => (
                  <Form.Item name={['proposals', 'keyEnterpriseMinRevenueWan']} style={{ marginBottom: 8 }}>
                    <InputNumber min={0} step={10_000} disabled={!canEdit || !getFieldValue('revenueOn')} suffix={t("rules.wan")} style={{ width: 200 }} />
                  </Form.Item>
                )}
              </Form.Item>
            </Space>
            <Form.Item name={['proposals', 'owner']} label={t('rules.p.owner')} style={{ marginTop: 4 }}>
              <Radio.Group data-testid="rules-owner">
                <Space orientation="vertical" size={2}>
                  <Radio value="division_of_labour" data-testid="rules-owner-division">
                    {t('rules.owner.division_of_labour')}
                  </Radio>
                  <Radio value="chain_lead" data-testid="rules-owner-lead">
                    {t('rules.owner.chain_lead', { region: leadRegion ? REGION_NAMES[leadRegion][lang] : '—' })}
                  </Radio>
                </Space>
              </Radio.Group>
            </Form.Item>
            {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} data-testid="rules-error" />}
            {canEdit && (
              <Space>
                <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={save.isPending} data-testid="rules-save">
                  {t('rules.save')}
                </Button>
                <Popconfirm title={t('rules.resetConfirm')} onConfirm={reset} disabled={data.isDefault}>
                  <Button icon={<UndoOutlined />} disabled={data.isDefault} data-testid="rules-reset">
                    {t('rules.reset')}
                  </Button>
                </Popconfirm>
              </Space>
            )}
          </Form>
        </>
      )}
    </Drawer>
  );
}
