import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Col, Form, Input, InputNumber, Modal, Row, Select } from 'antd';
import { useMemo, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Organization, OrganizationPatch } from '../api/types';
import { useLang } from '../i18n';
import { FIELD_NAMES } from '../i18n/dict';
import { ORG_KIND_NAMES, ORG_KINDS, pickLang } from '../i18n/vocab';
import { placePath } from './common';
import { DivisionSelect } from './DivisionSelect';
import { IndustrySelect } from './IndustrySelect';

type FormValues = {
  name: string;
  shortName: string | null;
  kind: string;
  uscc: string | null;
  divisionCode: string | null;
  industryCode: string | null;
  stockCode: string | null;
  products: string[];
  aliases: string[];
  tags: string[];
  businessScope: string | null;
  description: string | null;
  website: string | null;
  foundedOn: string | null;
  employees: number | null;
  revenueWan: number | null;
  registeredCapitalWan: number | null;
  contact?: { person?: string; phone?: string; email?: string; address?: string };
};

const FORM_FIELDS = new Set([
  'name', 'shortName', 'kind', 'uscc', 'divisionCode', 'industryCode', 'stockCode', 'products', 'aliases', 'tags',
  'businessScope', 'description', 'website', 'foundedOn', 'employees', 'revenueWan', 'registeredCapitalWan',
  'contact.person', 'contact.phone', 'contact.email', 'contact.address',
]);

function initialValues(o: Organization): FormValues {
  return {
    name: o.name,
    shortName: o.shortName,
    kind: o.kind,
    uscc: o.uscc,
    divisionCode: o.divisionCode,
    industryCode: o.industryCode,
    stockCode: o.stockCode,
    products: o.products,
    aliases: o.aliases,
    tags: o.tags,
    businessScope: o.businessScope,
    description: o.description,
    website: o.website,
    foundedOn: o.foundedOn,
    employees: o.employees,
    revenueWan: o.revenueWan,
    registeredCapitalWan: o.registeredCapitalWan,
    contact: o.contact ?? undefined,
  };
}

/** Only what changed, with blanks as null, plus the version the form was opened with. */
export function buildPatch(o: Organization, v: FormValues): OrganizationPatch | null {
  const init = initialValues(o) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const clean = (k: string, x: unknown) => {
    if (typeof x === 'string') {
      const s = x.trim();
      return s === '' ? (k === 'name' ? '' : null) : s;
    }
    if (Array.isArray(x)) return x.map((s) => String(s).trim()).filter(Boolean);
    return x === undefined ? null : x;
  };
  for (const [k, raw] of Object.entries(v)) {
    if (k === 'contact') continue;
    const val = clean(k, raw);
    if (JSON.stringify(val) !== JSON.stringify(init[k] ?? (Array.isArray(val) ? [] : null))) out[k] = val;
  }
  if (v.contact) {
    const c: Record<string, string> = {};
    for (const [k, x] of Object.entries(v.contact)) if (typeof x === 'string' && x.trim()) c[k] = x.trim();
    const next = Object.keys(c).length ? c : null;
    if (JSON.stringify(next) !== JSON.stringify(o.contact ?? null)) out.contact = next;
  }
  if (!Object.keys(out).length) return null;
  // The server's patch schema gives products/aliases/tags a default of [] when they are absent, which
  // would wipe them: always send the lists the form holds.
  for (const k of ['products', 'aliases', 'tags'] as const) if (!(k in out)) out[k] = clean(k, v[k]);
  return { ...(out as OrganizationPatch), version: o.version };
}

/** API field key (`contact.email`, `products.2`) → form item name. */
function formName(key: string): (string | number)[] | null {
  const parts = key.split('.');
  for (let n = parts.length; n > 0; n--) {
    const k = parts.slice(0, n).join('.');
    if (FORM_FIELDS.has(k)) return parts.slice(0, n);
  }
  return null;
}

export default function EditOrganization({ org, open, onClose }: { org: Organization; open: boolean; onClose: () => void }) {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; other: string[] } | null>(null);
  const init = useMemo(() => initialValues(org), [org]);
  const placeLabel = placePath(org.place);
  const fieldLabel = (k: string) => FIELD_NAMES[k]?.[lang] ?? k;

  async function save() {
    let values: FormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const patch = buildPatch(org, values);
    if (!patch) {
      message.info(t('edit.noChange'));
      onClose();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await api.patch<Organization>(`/api/organizations/${org.id}`, patch);
      queryClient.setQueryData(['org', org.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['audit', 'organization', String(org.id)] });
      void queryClient.invalidateQueries({ queryKey: ['orgs'] });
      void queryClient.invalidateQueries({ queryKey: ['org-stats'] });
      message.success(t('edit.saved'));
      onClose();
    } catch (e) {
      if (e instanceof ApiError) {
        const other: string[] = [];
        const fields: Array<{ name: (string | number)[]; errors: string[] }> = [];
        for (const [k, msg] of Object.entries(e.fields ?? {})) {
          const name = formName(k);
          if (name) fields.push({ name, errors: [pickLang(msg, lang)] });
          else other.push(`${fieldLabel(k.split('.')[0])}: ${pickLang(msg, lang)}`);
        }
        form.setFields(fields as any);
        const conflict = /version|conflict/.test(e.code) || e.status === 409;
        setError({ text: conflict ? `${t('edit.conflict')} (${pickLang(e.message, lang)})` : pickLang(e.message, lang), other });
      } else setError({ text: String(e), other: [] });
    } finally {
      setBusy(false);
    }
  }

  const tagsSelect = (
    <Select mode="tags" tokenSeparators={[',', '，', '、', ';', '；']} placeholder={t('edit.tagsPlaceholder')} open={false} suffixIcon={null} />
  );

  return (
    <Modal
      open={open}
      title={t('edit.title')}
      onCancel={onClose}
      onOk={save}
      okText={t('edit.save')}
      cancelText={t('edit.cancel')}
      confirmLoading={busy}
      width={820}
      destroyOnHidden
      maskClosable={false}
      data-testid="edit-org"
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={`${t('edit.failed')}${lang === 'zh' ? '：' : ': '}${error.text}`}
          description={error.other.length ? error.other.join('；') : undefined}
          style={{ marginBottom: 16 }}
          data-testid="edit-error"
        />
      )}
      <Form form={form} layout="vertical" initialValues={init} preserve={false}>
        <Row gutter={16}>
          <Col span={16}>
            <Form.Item name="name" label={fieldLabel('name')} rules={[{ required: true, whitespace: true, message: t('edit.nameRequired') }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="kind" label={fieldLabel('kind')} rules={[{ required: true }]}>
              <Select options={ORG_KINDS.map((k) => ({ value: k, label: ORG_KIND_NAMES[k][lang] }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="shortName" label={fieldLabel('shortName')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="uscc" label={fieldLabel('uscc')}>
              <Input maxLength={18} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="stockCode" label={fieldLabel('stockCode')}>
              <Input placeholder="600000.SH" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="divisionCode" label={fieldLabel('divisionCode')}>
              <DivisionSelect placeholder={t('edit.divisionPlaceholder')} initialLabel={placeLabel} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="industryCode" label={fieldLabel('industryCode')}>
              <IndustrySelect placeholder={t('orgs.industryPlaceholder')} initialLabel={org.industryName} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="products" label={fieldLabel('products')}>
              {tagsSelect}
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="aliases" label={fieldLabel('aliases')}>
              {tagsSelect}
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="tags" label={fieldLabel('tags')}>
              {tagsSelect}
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="description" label={fieldLabel('description')}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={5000} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="businessScope" label={fieldLabel('businessScope')}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={10000} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="website" label={fieldLabel('website')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="foundedOn" label={fieldLabel('foundedOn')}>
              <Input placeholder="YYYY-MM-DD" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="employees" label={fieldLabel('employees')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="revenueWan" label={t('org.revenue')}>
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="registeredCapitalWan" label={t('org.capital')}>
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        {!org.contactHidden && (
          <Row gutter={16}>
            <Col span={6}>
              <Form.Item name={['contact', 'person']} label={t('org.contactPerson')}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={['contact', 'phone']} label={t('org.contactPhone')}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['contact', 'email']} label={t('org.contactEmail')}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name={['contact', 'address']} label={t('org.contactAddress')}>
                <Input maxLength={300} />
              </Form.Item>
            </Col>
          </Row>
        )}
      </Form>
    </Modal>
  );
}
