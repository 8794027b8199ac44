/**
 * 编辑图谱: the chain map's segments in order, each with its nodes, in a drawer for users who may edit
 * the chain (chain.canEdit). Add / rename / reorder / delete segments; add / rename / re-keyword /
 * move / delete nodes. Every change goes straight to the API and the graph redraws from the refreshed
 * chain; a refusal shows the server's message next to what it is about.
 */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Drawer, Empty, Form, Input, Radio, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { ChainDetail, ChainNode, ChainSegment } from '../api/types';
import { useErrorText } from '../components/common';
import { useLang } from '../i18n';
import { pickLang, STAGE_COLORS, STAGE_NAMES, STAGES, type Stage } from '../i18n/vocab';
import { cleanKeywords, segmentNodes, sortedSegments, useChainEdits, type NodeValues, type SegmentValues } from './chainEdit';
import './chainEditor.css';
import { useDeleteNode } from './NodeDelete';

type Active = { kind: 'addSeg' } | { kind: 'seg'; id: number } | { kind: 'addNode'; segmentId: number } | { kind: 'node'; id: number } | null;

const STAGE_TAG: Record<Stage, string> = { upstream: 'blue', midstream: 'green', downstream: 'orange' };

/** Server field errors onto the form's fields, the message above the buttons. */
function useServerErrors<T>(form: ReturnType<typeof Form.useForm<T>>[0]) {
  const { lang } = useLang();
  const errorText = useErrorText();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (fn: (v: T) => Promise<unknown>) => {
    let v: T;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await fn(v);
    } catch (e) {
      if (e instanceof ApiError && e.fields)
        form.setFields(Object.entries(e.fields).map(([k, m]) => ({ name: k.split('.')[0] as any, errors: [pickLang(m, lang)] })));
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function FormError({ error }: { error: string | null }) {
  const { t, lang } = useLang();
  if (!error) return null;
  return <Alert type="error" showIcon title={`${t('chainEdit.failed')}${lang === 'zh' ? '：' : ': '}${error}`} style={{ marginBottom: 10 }} data-testid="chain-editor-error" />;
}

function SegmentForm({ initial, submitText, onSubmit, onCancel }: { initial: SegmentValues; submitText: string; onSubmit: (v: SegmentValues) => Promise<unknown>; onCancel: () => void }) {
  const { t, lang } = useLang();
  const [form] = Form.useForm<SegmentValues>();
  const { error, busy, submit } = useServerErrors(form);
  const go = () => submit((v) => onSubmit({ name: v.name.trim(), nameEn: v.nameEn?.trim() || null, stage: v.stage }));
  return (
    <div className="ce-form" data-testid="ce-seg-form">
      <Form form={form} layout="vertical" size="small" initialValues={initial} requiredMark={false}>
        <Form.Item name="name" label={t('chainEdit.seg.name')} rules={[{ required: true, whitespace: true, message: t('chainEdit.seg.nameRequired') }]}>
          <Input maxLength={100} autoFocus data-testid="ce-seg-name" onPressEnter={go} />
        </Form.Item>
        <Form.Item name="nameEn" label={t('chainEdit.seg.nameEn')}>
          <Input maxLength={200} data-testid="ce-seg-name-en" onPressEnter={go} />
        </Form.Item>
        <Form.Item name="stage" label={t('chainEdit.stage')} rules={[{ required: true }]}>
          <Radio.Group optionType="button" buttonStyle="solid" data-testid="ce-seg-stage">
            {STAGES.map((s) => (
              <Radio.Button key={s} value={s} data-testid={`ce-seg-stage-${s}`}>
                {STAGE_NAMES[s][lang]}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <FormError error={error} />
        <Space>
          <Button type="primary" onClick={go} loading={busy} data-testid="ce-seg-save">
            {submitText}
          </Button>
          <Button onClick={onCancel}>{t('chainEdit.cancel')}</Button>
        </Space>
      </Form>
    </div>
  );
}

function NodeForm({
  chain,
  initial,
  submitText,
  showSegment,
  onSubmit,
  onCancel,
}: {
  chain: ChainDetail;
  initial: NodeValues;
  submitText: string;
  showSegment: boolean;
  onSubmit: (v: NodeValues) => Promise<unknown>;
  onCancel: () => void;
}) {
  const { t, lang, pick } = useLang();
  const [form] = Form.useForm<NodeValues>();
  const { error, busy, submit } = useServerErrors(form);
  const go = () => submit((v) => onSubmit({ name: v.name.trim(), nameEn: v.nameEn?.trim() || null, keywords: cleanKeywords(v.keywords), segmentId: v.segmentId ?? initial.segmentId }));
  return (
    <div className="ce-form" data-testid="ce-node-form">
      <Form form={form} layout="vertical" size="small" initialValues={initial} requiredMark={false}>
        <Form.Item name="name" label={t('chainEdit.node.name')} rules={[{ required: true, whitespace: true, message: t('chainEdit.node.nameRequired') }]}>
          <Input maxLength={100} autoFocus data-testid="ce-node-name" onPressEnter={go} />
        </Form.Item>
        <Form.Item name="nameEn" label={t('chainEdit.node.nameEn')}>
          <Input maxLength={200} data-testid="ce-node-name-en" onPressEnter={go} />
        </Form.Item>
        <Form.Item name="keywords" label={t('chainEdit.node.keywords')}>
          <Select
            mode="tags"
            open={false}
            suffixIcon={null}
            tokenSeparators={[',', '，', '、', ';', '；']}
            placeholder={t('chainEdit.node.keywordsPlaceholder')}
            data-testid="ce-node-keywords"
          />
        </Form.Item>
        {showSegment && (
          <Form.Item name="segmentId" label={t('chainEdit.node.segment')} extra={t('chainEdit.node.segmentHint')} rules={[{ required: true }]}>
            <Select
              data-testid="ce-node-segment"
              options={sortedSegments(chain).map((s) => {
                const name = pick(s.name, s.nameEn);
                // Demo segment names already start with their stage (上游・…): no second prefix then.
                const stage = STAGE_NAMES[s.stage][lang];
                return { value: s.id, label: name.toLowerCase().startsWith(stage.toLowerCase()) ? name : `${stage} · ${name}` };
              })}
            />
          </Form.Item>
        )}
        <FormError error={error} />
        <Space>
          <Button type="primary" onClick={go} loading={busy} data-testid="ce-node-save">
            {submitText}
          </Button>
          <Button onClick={onCancel}>{t('chainEdit.cancel')}</Button>
        </Space>
      </Form>
    </div>
  );
}

export default function ChainEditor({
  chain,
  open,
  onClose,
  focusNodeId,
  onSelectNode,
}: {
  chain: ChainDetail;
  open: boolean;
  onClose: () => void;
  /** Opened from a node's panel: that node's form is open and in view. */
  focusNodeId?: number | null;
  onSelectNode?: (id: number) => void;
}) {
  const { t, lang, pick } = useLang();
  const { message, modal } = App.useApp();
  const edits = useChainEdits(chain);
  const deleteNode = useDeleteNode(chain);
  const errorText = useErrorText();
  const [active, setActive] = useState<Active>(null);
  /** An error of an action without a form (delete, reorder), shown under the segment or node it is about. */
  const [rowError, setRowError] = useState<{ key: string; text: string } | null>(null);
  const segments = sortedSegments(chain);

  useEffect(() => {
    if (!open) return;
    setRowError(null);
    if (focusNodeId != null && chain.nodes.some((n) => n.id === focusNodeId)) {
      setActive({ kind: 'node', id: focusNodeId });
      const timer = setTimeout(() => document.querySelector(`[data-testid=ce-node-${focusNodeId}]`)?.scrollIntoView({ block: 'center' }), 350);
      return () => clearTimeout(timer);
    }
    setActive(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, focusNodeId]);

  const failed = (key: string, e: unknown) => setRowError({ key, text: errorText(e) });
  const rowAlert = (key: string) =>
    rowError?.key === key && (
      <Alert
        type="error"
        showIcon
        closable={{ onClose: () => setRowError(null) }}
        title={`${t('chainEdit.failed')}${lang === 'zh' ? '：' : ': '}${rowError.text}`}
        style={{ margin: '6px 0' }}
        data-testid="chain-editor-error"
      />
    );

  const moveSegment = async (s: ChainSegment, delta: -1 | 1) => {
    setRowError(null);
    try {
      await edits.moveSegment(s, delta);
      message.success(t('chainEdit.seg.moved'));
    } catch (e) {
      failed(`seg-${s.id}`, e);
    }
  };
  const confirmDeleteSegment = (s: ChainSegment) => {
    const n = segmentNodes(chain, s.id).length;
    const name = pick(s.name, s.nameEn);
    modal.confirm({
      title: t('chainEdit.seg.deleteConfirm', { name }),
      content: n ? t('chainEdit.seg.deleteNotEmpty', { n }) : t('chainEdit.seg.deleteEmpty'),
      okText: t('chainEdit.delete'),
      cancelText: t('chainEdit.cancel'),
      okButtonProps: { danger: true, 'data-testid': 'seg-delete-ok' } as any,
      onOk: async () => {
        setRowError(null);
        try {
          await edits.deleteSegment(s);
          message.success(t('chainEdit.seg.deleted', { name }));
        } catch (e) {
          failed(`seg-${s.id}`, e);
        }
      },
    });
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={600}
      title={t('chainEdit.title', { chain: pick(chain.name, chain.nameEn) })}
      data-testid="chain-editor"
      rootClassName="chain-editor"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setActive({ kind: 'addSeg' })} data-testid="ce-seg-add">
          {t('chainEdit.seg.add')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -4 }}>
        {t('chainEdit.hint')}
      </Typography.Paragraph>
      {active?.kind === 'addSeg' && (
        <SegmentForm
          initial={{ name: '', nameEn: null, stage: 'midstream' }}
          submitText={t('chainEdit.add')}
          onCancel={() => setActive(null)}
          onSubmit={async (v) => {
            await edits.addSegment(v);
            message.success(t('chainEdit.seg.added', { name: v.name }));
            setActive(null);
          }}
        />
      )}
      {segments.map((s, i) => {
        const nodes = segmentNodes(chain, s.id);
        return (
          <section key={s.id} className="ce-seg" style={{ borderInlineStartColor: STAGE_COLORS[s.stage].text }} data-testid={`ce-seg-${s.id}`}>
            <header className="ce-seg-head">
              <div className="ce-seg-title">
                <Tag color={STAGE_TAG[s.stage]} style={{ marginInlineEnd: 6 }}>
                  {STAGE_NAMES[s.stage][lang]}
                </Tag>
                <span className="ce-seg-name" data-testid="ce-seg-name-text">
                  {pick(s.name, s.nameEn)}
                </span>
                {(lang === 'zh' ? s.nameEn : s.name) && <span className="ce-sub">{lang === 'zh' ? s.nameEn : s.name}</span>}
                <span className="ce-count">{t('chainEdit.nodesN', { n: nodes.length })}</span>
              </div>
              <Space size={0} className="ce-actions">
                <Tooltip title={t('chainEdit.seg.up')}>
                  <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => void moveSegment(s, -1)} aria-label={t('chainEdit.seg.up')} data-testid="ce-seg-up" />
                </Tooltip>
                <Tooltip title={t('chainEdit.seg.down')}>
                  <Button
                    type="text"
                    size="small"
                    icon={<ArrowDownOutlined />}
                    disabled={i === segments.length - 1}
                    onClick={() => void moveSegment(s, 1)}
                    aria-label={t('chainEdit.seg.down')}
                    data-testid="ce-seg-down"
                  />
                </Tooltip>
                <Tooltip title={t('chainEdit.seg.edit')}>
                  <Button type="text" size="small" icon={<EditOutlined />} onClick={() => setActive({ kind: 'seg', id: s.id })} aria-label={t('chainEdit.seg.edit')} data-testid="ce-seg-edit" />
                </Tooltip>
                <Tooltip title={t('chainEdit.seg.delete')}>
                  <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={() => confirmDeleteSegment(s)} aria-label={t('chainEdit.seg.delete')} data-testid="ce-seg-delete" />
                </Tooltip>
              </Space>
            </header>
            {rowAlert(`seg-${s.id}`)}
            {active?.kind === 'seg' && active.id === s.id && (
              <SegmentForm
                initial={{ name: s.name, nameEn: s.nameEn, stage: s.stage }}
                submitText={t('chainEdit.save')}
                onCancel={() => setActive(null)}
                onSubmit={async (v) => {
                  await edits.updateSegment(s, v);
                  message.success(t('chainEdit.seg.saved', { name: v.name }));
                  setActive(null);
                }}
              />
            )}
            {nodes.length === 0 && !(active?.kind === 'addNode' && active.segmentId === s.id) && (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('chainEdit.emptySegment')} style={{ margin: '4px 0' }} styles={{ image: { height: 28 } }} />
            )}
            {nodes.map((n) => (
              <NodeRow
                key={n.id}
                chain={chain}
                node={n}
                editing={active?.kind === 'node' && active.id === n.id}
                onEdit={() => setActive({ kind: 'node', id: n.id })}
                onCancel={() => setActive(null)}
                onSelect={onSelectNode ? () => onSelectNode(n.id) : undefined}
                onSubmit={async (v) => {
                  await edits.updateNode(n, v);
                  const to = chain.segments.find((x) => x.id === v.segmentId);
                  message.success(
                    to && v.segmentId !== n.segmentId ? t('chainEdit.node.movedTo', { name: v.name, segment: pick(to.name, to.nameEn) }) : t('chainEdit.node.saved', { name: v.name }),
                  );
                  setActive(null);
                }}
                onDelete={() => {
                  setRowError(null);
                  deleteNode(n, { onError: (text) => setRowError({ key: `node-${n.id}`, text }) });
                }}
                error={rowAlert(`node-${n.id}`)}
              />
            ))}
            {active?.kind === 'addNode' && active.segmentId === s.id ? (
              <NodeForm
                chain={chain}
                initial={{ name: '', nameEn: null, keywords: [], segmentId: s.id }}
                submitText={t('chainEdit.add')}
                showSegment={false}
                onCancel={() => setActive(null)}
                onSubmit={async (v) => {
                  await edits.addNode(v);
                  message.success(t('chainEdit.node.added', { name: v.name }));
                  setActive(null);
                }}
              />
            ) : (
              <Button
                type="dashed"
                size="small"
                icon={<PlusOutlined />}
                onClick={() => setActive({ kind: 'addNode', segmentId: s.id })}
                className="ce-add-node"
                data-testid="ce-node-add"
              >
                {t('chainEdit.node.add')}
              </Button>
            )}
          </section>
        );
      })}
    </Drawer>
  );
}

function NodeRow({
  chain,
  node,
  editing,
  onEdit,
  onCancel,
  onSubmit,
  onDelete,
  onSelect,
  error,
}: {
  chain: ChainDetail;
  node: ChainNode;
  editing: boolean;
  onEdit: () => void;
  onCancel: () => void;
  onSubmit: (v: NodeValues) => Promise<unknown>;
  onDelete: () => void;
  onSelect?: () => void;
  error: ReactNode;
}) {
  const { t, lang, pick } = useLang();
  const other = lang === 'zh' ? node.nameEn : node.name;
  return (
    <div className={editing ? 'ce-node editing' : 'ce-node'} data-testid={`ce-node-${node.id}`}>
      <div className="ce-node-row">
        <div className="ce-node-main">
          <div>
            {onSelect ? (
              <Tooltip title={t('chainEdit.node.selectInGraph')}>
                <a className="ce-node-name" onClick={onSelect} data-testid="ce-node-name-text">
                  {pick(node.name, node.nameEn)}
                </a>
              </Tooltip>
            ) : (
              <span className="ce-node-name" data-testid="ce-node-name-text">
                {pick(node.name, node.nameEn)}
              </span>
            )}
            {other && <span className="ce-sub">{other}</span>}
          </div>
          {node.keywords.length > 0 && (
            <div className="ce-kw" data-testid="ce-node-kw">
              {node.keywords.map((k) => (
                <Tag key={k} bordered={false}>
                  {k}
                </Tag>
              ))}
            </div>
          )}
        </div>
        <Space size={0} className="ce-actions">
          <Tooltip title={t('chainEdit.node.edit')}>
            <Button type="text" size="small" icon={<EditOutlined />} onClick={onEdit} aria-label={t('chainEdit.node.edit')} data-testid="ce-node-edit" />
          </Tooltip>
          <Tooltip title={t('chainEdit.node.delete')}>
            <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={onDelete} aria-label={t('chainEdit.node.delete')} data-testid="ce-node-delete" />
          </Tooltip>
        </Space>
      </div>
      {error}
      {editing && (
        <NodeForm
          chain={chain}
          initial={{ name: node.name, nameEn: node.nameEn, keywords: node.keywords, segmentId: node.segmentId }}
          submitText={t('chainEdit.save')}
          showSegment
          onCancel={onCancel}
          onSubmit={onSubmit}
        />
      )}
    </div>
  );
}
