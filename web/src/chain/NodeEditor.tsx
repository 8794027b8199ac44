import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api/client';
import type { ChainDetail, ChainNode } from '../api/types';
import { useLang } from '../i18n';
import { pickLang } from '../i18n/vocab';

interface Values {
  name: string;
  nameEn: string | null;
  segmentId: number;
  parentId: number | null;
  keywords: string[];
  description: string | null;
}

/** Edit one node of a chain map (PATCH /api/nodes/:id); field errors from the server land on the fields. */
export default function NodeEditor({ chain, node, onClose }: { chain: ChainDetail; node: ChainNode; onClose: () => void }) {
  const { t, lang, pick } = useLang();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body: Record<string, unknown> = {
      // keywords always: the server's patch schema defaults a missing list to [].
      keywords: [...new Set((v.keywords ?? []).map((k) => k.trim()).filter(Boolean))],
    };
    if (v.name.trim() !== node.name) body.name = v.name.trim();
    if ((v.nameEn?.trim() || null) !== node.nameEn) body.nameEn = v.nameEn?.trim() || null;
    if (v.segmentId !== node.segmentId) body.segmentId = v.segmentId;
    if ((v.parentId ?? null) !== node.parentId) body.parentId = v.parentId ?? null;
    if ((v.description?.trim() || null) !== node.description) body.description = v.description?.trim() || null;
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/api/nodes/${node.id}`, body);
      await queryClient.invalidateQueries({ queryKey: ['chain', chain.code] });
      void queryClient.invalidateQueries({ queryKey: ['chains'] });
      message.success(t('edit.saved'));
      onClose();
    } catch (e) {
      if (e instanceof ApiError) {
        form.setFields(Object.entries(e.fields ?? {}).map(([k, m]) => ({ name: k.split('.')[0] as keyof Values, errors: [pickLang(m, lang)] })));
        setError(pickLang(e.message, lang));
      } else setError(String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open title={t('chain.edit.title')} onCancel={onClose} onOk={save} okText={t('edit.save')} cancelText={t('edit.cancel')} confirmLoading={busy} width={620} destroyOnHidden maskClosable={false}>
      {error && <Alert type="error" showIcon title={`${t('edit.failed')}${lang === 'zh' ? '：' : ': '}${error}`} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ name: node.name, nameEn: node.nameEn, segmentId: node.segmentId, parentId: node.parentId, keywords: node.keywords, description: node.description }}
      >
        <Form.Item name="name" label={t('chain.edit.name')} rules={[{ required: true, whitespace: true, message: t('edit.nameRequired') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="nameEn" label={t('chain.edit.nameEn')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="segmentId" label={t('chain.node.segment')} rules={[{ required: true }]}>
          <Select options={[...chain.segments].sort((a, b) => a.position - b.position).map((s) => ({ value: s.id, label: pick(s.name, s.nameEn) }))} />
        </Form.Item>
        <Form.Item name="parentId" label={t('chain.edit.parent')}>
          <Select
            allowClear
            showSearch={{ filterOption: (input, o) => String(o?.label ?? '').toLowerCase().includes(input.toLowerCase()) }}
            options={chain.nodes.filter((n) => n.id !== node.id).map((n) => ({ value: n.id, label: pick(n.name, n.nameEn) }))}
          />
        </Form.Item>
        <Form.Item name="keywords" label={t('chain.node.keywords')}>
          <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，', '、']} placeholder={t('edit.tagsPlaceholder')} />
        </Form.Item>
        <Form.Item name="description" label={t('chain.node.description')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
