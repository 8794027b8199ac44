import { CheckOutlined, HeartOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useInterestAction, type Interest } from '../../api/queries.matching';
import { useAuth } from '../../auth';
import { useErrorText } from '../../components/common';
import { useLang } from '../../i18n';
import { useActsOnBehalf } from './common';
import { OrgSelect } from './OrgSelect';
import { INTEREST_STATUS_COLOR, INTEREST_STATUS_NAMES, nameOf } from './vocab';

export interface InterestTarget {
  postingId?: number;
  organizationId?: number;
  /** Shown in the dialog: "to 津亚电子" */
  name: string;
}

/** The live interest (pending or accepted) of `fromOrgId` in the target, if any. */
export function findInterest(list: Interest[] | undefined, fromOrgId: number | null | undefined, target: InterestTarget): Interest | undefined {
  if (!list || !fromOrgId) return undefined;
  return list.find(
    (i) =>
      i.fromOrganization.id === fromOrgId &&
      (i.status === 'pending' || i.status === 'accepted') &&
      (target.postingId ? i.posting?.id === target.postingId : !i.posting && i.targetOrganization.id === target.organizationId),
  );
}

/**
 * "Express interest": a short message to the other side. Their contact details (and ours) are shown
 * to both once they accept. Officials and administrators express interest on behalf of an organisation.
 */
export function ExpressInterest({
  target,
  fromOrg,
  fromPostingId,
  existing,
  size = 'middle',
  type = 'primary',
}: {
  target: InterestTarget;
  /** The interested organisation (for officials: the posting's organisation); null = pick one. */
  fromOrg?: { id: number; name: string } | null;
  fromPostingId?: number;
  existing?: Interest;
  size?: 'small' | 'middle' | 'large';
  type?: 'primary' | 'default';
}) {
  const { t, lang } = useLang();
  const { user } = useAuth();
  const { message } = App.useApp();
  const errText = useErrorText();
  const onBehalf = useActsOnBehalf();
  const act = useInterestAction();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ message?: string; fromOrganizationId?: number }>();

  if (existing)
    return (
      <Link to={`/matching/interests?id=${existing.id}`} data-testid="interest-exists">
        <Tag color={INTEREST_STATUS_COLOR[existing.status]} icon={<CheckOutlined />} style={{ marginInlineEnd: 0 }}>
          {t('matching.interest.already')} · {nameOf(INTEREST_STATUS_NAMES, existing.status, lang)}
        </Tag>
      </Link>
    );
  if (!onBehalf && !user?.organizationId) return null;
  if (!onBehalf && target.organizationId === user?.organizationId) return null;

  const submit = async () => {
    setError(null);
    const v = await form.validateFields();
    try {
      const i = await act.mutateAsync({
        kind: 'create',
        input: {
          ...(target.postingId ? { postingId: target.postingId } : { organizationId: target.organizationId }),
          ...(onBehalf ? { fromOrganizationId: fromOrg?.id ?? v.fromOrganizationId } : {}),
          ...(fromPostingId ? { fromPostingId } : {}),
          message: v.message?.trim() || undefined,
        },
      });
      setOpen(false);
      form.resetFields();
      message.success(t('matching.interest.sent', { name: i.targetOrganization.shortName ?? i.targetOrganization.name }));
    } catch (e) {
      setError(e instanceof ApiError ? errText(e) : String(e));
    }
  };

  return (
    <>
      <Button type={type} size={size} icon={<HeartOutlined />} onClick={() => setOpen(true)} data-testid="express-interest">
        {t('matching.interest.express')}
      </Button>
      <Modal
        open={open}
        title={t('matching.interest.title', { name: target.name })}
        onCancel={() => setOpen(false)}
        onOk={submit}
        okText={t('matching.interest.send')}
        confirmLoading={act.isPending}
        destroyOnHidden
        okButtonProps={{ 'data-testid': 'interest-send' } as any}
      >
        <Alert type="info" showIcon title={t('matching.interest.privacy')} style={{ marginBottom: 12 }} />
        <Form form={form} layout="vertical">
          {onBehalf &&
            (fromOrg ? (
              <Form.Item label={t('matching.interest.from')}>
                <Input disabled value={fromOrg.name} />
              </Form.Item>
            ) : (
              <Form.Item name="fromOrganizationId" label={t('matching.interest.from')} rules={[{ required: true, message: t('matching.form.orgRequired') }]}>
                <OrgSelect placeholder={t('matching.form.orgPh')} />
              </Form.Item>
            ))}
          <Form.Item name="message" label={t('matching.interest.message')}>
            <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('matching.interest.messagePh')} data-testid="interest-message" />
          </Form.Item>
        </Form>
        {error && <Alert type="error" showIcon title={error} data-testid="interest-error" />}
      </Modal>
    </>
  );
}
