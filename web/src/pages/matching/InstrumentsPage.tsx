import { CalendarOutlined, LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Form, Input, Modal, Popconfirm, Segmented, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useBookings, useBookSlot, useCancelBooking, useInstruments, useSlots, type Booking, type Instrument, type Slot } from '../../api/queries.matching';
import { useAuth } from '../../auth';
import { ErrorAlert, RegionTag, useErrorText } from '../../components/common';
import { useLang } from '../../i18n';
import { REGION_NAMES } from '../../i18n/vocab';
import { MatchingNav, useActsOnBehalf } from './common';
import { OrgSelect } from './OrgSelect';

const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;

/** YYYY-MM-DD of an instant in Beijing time. */
function bjDate(d: Date | string): string {
  return new Date(new Date(d).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
function bjTime(d: string): string {
  return new Date(d).toLocaleTimeString('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false });
}
/** Midnight (Beijing) of the day `d` as an instant. */
function bjMidnight(d: Date): number {
  const x = new Date(d.getTime() + 8 * 3600_000);
  return Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), x.getUTCDate()) - 8 * 3600_000;
}

function SlotButton({ slot, myOrg, onBook }: { slot: Slot; myOrg: number | null; onBook: (s: Slot) => void }) {
  const { t } = useLang();
  const time = `${bjTime(slot.startsAt)}–${bjTime(slot.endsAt)}`;
  if (!slot.booked)
    return (
      <button type="button" className="slot" onClick={() => onBook(slot)} data-testid="slot-free" data-slot={slot.id}>
        {time}
        <span className="who">{t('matching.inst.free')}</span>
      </button>
    );
  const mine = slot.booking && myOrg && slot.booking.organizationId === myOrg;
  return (
    <div className={`slot ${mine ? 'mine' : 'taken'}`} data-testid={mine ? 'slot-mine' : 'slot-taken'} data-slot={slot.id} title={slot.booking?.purpose ?? undefined}>
      {time}
      <span className="who">{mine ? t('matching.inst.mine') : slot.booking ? slot.booking.organizationName : t('matching.inst.taken')}</span>
    </div>
  );
}

function Calendar({ instrument }: { instrument: Instrument }) {
  const { t, lang } = useLang();
  const { user } = useAuth();
  const { message } = App.useApp();
  const errText = useErrorText();
  const onBehalf = useActsOnBehalf();
  const [week, setWeek] = useState(0);
  const start = bjMidnight(new Date()) + week * 7 * DAY;
  const range = useMemo(() => ({ from: new Date(start).toISOString(), to: new Date(start + 7 * DAY).toISOString() }), [start]);
  const slots = useSlots(instrument.id, range);
  const book = useBookSlot();
  const [pending, setPending] = useState<Slot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const [form] = Form.useForm<{ purpose?: string; organizationId?: number }>();
  const days = Array.from({ length: 7 }, (_, i) => start + i * DAY);
  const byDay = new Map<string, Slot[]>();
  for (const s of slots.data ?? []) {
    const k = bjDate(s.startsAt);
    byDay.set(k, [...(byDay.get(k) ?? []), s]);
  }

  const confirm = async () => {
    if (!pending) return;
    setError(null);
    const v = await form.validateFields();
    try {
      await book.mutateAsync({ slotId: pending.id, purpose: v.purpose, organizationId: onBehalf ? v.organizationId : undefined });
      message.success(t('matching.inst.booked'));
      setPending(null);
      form.resetFields();
    } catch (e) {
      // e.g. 409 instruments.slot_taken: someone booked it since the calendar was loaded
      setError(errText(e));
      setRefused(e instanceof ApiError && e.status === 409);
    }
  };

  return (
    <div>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 8 }}>
        <Space>
          <Button size="small" icon={<LeftOutlined />} disabled={week <= 0} onClick={() => setWeek((w) => w - 1)} />
          <span>
            {bjDate(new Date(start))} – {bjDate(new Date(start + 6 * DAY))}
          </span>
          <Button size="small" icon={<RightOutlined />} disabled={week >= 3} onClick={() => setWeek((w) => w + 1)} data-testid="week-next" />
        </Space>
        <Space size={12} style={{ fontSize: 12 }}>
          <span>
            <span className="slot" style={{ display: 'inline-block', width: 14, padding: 0, height: 10, margin: 0 }} /> {t('matching.inst.free')}
          </span>
          <span>
            <span className="slot taken" style={{ display: 'inline-block', width: 14, padding: 0, height: 10, margin: 0 }} /> {t('matching.inst.taken')}
          </span>
          <span>
            <span className="slot mine" style={{ display: 'inline-block', width: 14, padding: 0, height: 10, margin: 0 }} /> {t('matching.inst.mine')}
          </span>
        </Space>
      </div>
      {slots.isError && <ErrorAlert error={slots.error} onRetry={() => slots.refetch()} />}
      {slots.isPending ? (
        <Skeleton active />
      ) : (
        <div className="slot-cal" style={{ gridTemplateColumns: 'repeat(7, minmax(0, 1fr))' }} data-testid="slot-calendar">
          {days.map((d) => {
            const key = bjDate(new Date(d));
            const wd = new Date(d + 8 * 3600_000).getUTCDay();
            const list = byDay.get(key) ?? [];
            return (
              <div key={key} className={`day${wd === 0 || wd === 6 ? ' weekend' : ''}`}>
                <div className="d">
                  {new Date(d).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: TZ, month: 'numeric', day: 'numeric', weekday: 'short' })}
                </div>
                {list.map((s) => (
                  <SlotButton key={s.id} slot={s} myOrg={user?.organizationId ?? null} onBook={(x) => (setError(null), setRefused(false), setPending(x))} />
                ))}
                {!list.length && <div style={{ textAlign: 'center', color: '#bfbfbf', fontSize: 12 }}>—</div>}
              </div>
            );
          })}
        </div>
      )}
      <Modal
        open={!!pending}
        title={pending ? t('matching.inst.bookTitle', { name: instrument.name, when: `${bjDate(pending.startsAt)} ${bjTime(pending.startsAt)}–${bjTime(pending.endsAt)}` }) : ''}
        onCancel={() => setPending(null)}
        onOk={confirm}
        okText={t('matching.inst.book')}
        confirmLoading={book.isPending}
        destroyOnHidden
        okButtonProps={{ 'data-testid': 'book-confirm', disabled: refused } as any}
      >
        <Form form={form} layout="vertical">
          {onBehalf && (
            <Form.Item name="organizationId" label={t('matching.inst.forOrg')} rules={[{ required: true, message: t('matching.form.orgRequired') }]}>
              <OrgSelect placeholder={t('matching.form.orgPh')} />
            </Form.Item>
          )}
          <Form.Item name="purpose" label={t('matching.inst.purpose')}>
            <Input.TextArea rows={3} maxLength={500} placeholder={t('matching.inst.purposePh')} data-testid="book-purpose" />
          </Form.Item>
        </Form>
        {error && <Alert type="error" showIcon title={t('matching.inst.refused')} description={error} data-testid="book-error" />}
      </Modal>
    </div>
  );
}

function Bookings() {
  const { t } = useLang();
  const { user } = useAuth();
  const { message } = App.useApp();
  const errText = useErrorText();
  const boxes: Array<'mine' | 'lab' | 'all'> = user?.role === 'admin' || user?.role === 'official' ? ['all'] : user?.role === 'provider' ? ['mine', 'lab'] : ['mine'];
  const [box, setBox] = useState(boxes[0]);
  const list = useBookings(box, !!user && (box === 'all' || !!user.organizationId));
  const cancel = useCancelBooking();
  return (
    <Card
      size="small"
      title={t('matching.inst.bookings')}
      style={{ marginTop: 16 }}
      extra={
        boxes.length > 1 && (
          <Segmented size="small" value={box} onChange={(v) => setBox(v as typeof box)} options={boxes.map((b) => ({ value: b, label: t(`matching.inst.box.${b}`) }))} />
        )
      }
      data-testid="bookings"
    >
      {list.isError && <ErrorAlert error={list.error} />}
      <Table<Booking>
        size="small"
        rowKey="id"
        loading={list.isPending && list.fetchStatus !== 'idle'}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 8, hideOnSinglePage: true }}
        locale={{ emptyText: t('matching.inst.noBookings') }}
        columns={[
          { title: t('matching.inst.col.instrument'), dataIndex: 'instrumentName' },
          { title: t('matching.inst.col.when'), key: 'when', render: (_, b) => `${bjDate(b.startsAt)} ${bjTime(b.startsAt)}–${bjTime(b.endsAt)}` },
          { title: t('matching.inst.col.org'), dataIndex: 'organizationName' },
          { title: t('matching.inst.purpose'), dataIndex: 'purpose', render: (p: string | null) => p ?? '—' },
          {
            title: t('matching.inst.col.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={s === 'booked' ? 'processing' : 'default'}>{s === 'booked' ? t('matching.inst.statusBooked') : t('matching.inst.statusCancelled')}</Tag>,
          },
          {
            title: '',
            key: 'a',
            render: (_, b) =>
              b.status === 'booked' && new Date(b.startsAt).getTime() > Date.now() ? (
                <Popconfirm
                  title={t('matching.inst.cancelConfirm')}
                  onConfirm={async () => {
                    try {
                      await cancel.mutateAsync(b.id);
                      message.success(t('matching.inst.cancelled'));
                    } catch (e) {
                      message.error(errText(e));
                    }
                  }}
                >
                  <Button size="small" type="link" danger>
                    {t('matching.inst.cancel')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}

export default function InstrumentsPage() {
  const { t, lang } = useLang();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState('');
  const [region, setRegion] = useState<string | undefined>(undefined);
  const list = useInstruments({ q: q || undefined, region });
  const selectedId = params.get('instrument') ? Number(params.get('instrument')) : (list.data?.[0]?.id ?? null);
  const selected = list.data?.find((i) => i.id === selectedId) ?? null;

  return (
    <div data-testid="instruments-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('matching.inst.title')}
          </Typography.Title>
          <div className="meta">{t('matching.inst.subtitle')}</div>
        </div>
      </div>
      <MatchingNav />
      <div className="inst-layout">
        <div>
          <div className="matching-filters">
            <Input.Search allowClear placeholder={t('matching.inst.search')} onSearch={(v) => setQ(v.trim())} style={{ width: 200 }} />
            <Select allowClear placeholder={t('matching.region')} style={{ width: 110 }} value={region} onChange={setRegion} options={(['BJ', 'TJ', 'HE'] as const).map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))} />
          </div>
          {list.isError && <ErrorAlert error={list.error} onRetry={() => list.refetch()} />}
          {list.isPending && <Skeleton active />}
          {list.data && !list.data.length && <Empty description={t('matching.inst.none')} />}
          <div className="inst-list" data-testid="instrument-list">
            {list.data?.map((i) => (
              <div
                key={i.id}
                className={`it${i.id === selectedId ? ' on' : ''}`}
                onClick={() => setParams({ instrument: String(i.id) })}
                role="button"
                tabIndex={0}
                data-testid="instrument"
              >
                <div className="nm">
                  {i.name}
                  {i.model && <Typography.Text type="secondary"> · {i.model}</Typography.Text>}
                </div>
                <div className="sub">
                  {i.organization.shortName ?? i.organization.name} <RegionTag region={i.organization.region} />
                </div>
                <div className="chips">
                  {i.accreditations.map((a) => (
                    <Tag key={a} color="green" bordered={false}>
                      {a}
                    </Tag>
                  ))}
                  <Tag bordered={false} icon={<CalendarOutlined />}>
                    {t('matching.inst.freeSlots', { n: i.freeSlots })}
                  </Tag>
                </div>
              </div>
            ))}
          </div>
        </div>
        <div>
          {selected ? (
            <Card
              size="small"
              title={
                <span>
                  {selected.name} {selected.model && <Typography.Text type="secondary">{selected.model}</Typography.Text>}
                </span>
              }
              extra={<Link to={`/organizations/${selected.organization.id}`}>{selected.organization.name}</Link>}
              data-testid="instrument-detail"
            >
              <div className="chips" style={{ marginBottom: 10 }}>
                {selected.category && <Tag>{selected.category}</Tag>}
                {selected.accreditations.map((a) => (
                  <Tag key={a} color="green">
                    {a}
                  </Tag>
                ))}
                {selected.priceNote && <Tag color="gold">{selected.priceNote}</Tag>}
                {selected.location && <Tag>{selected.location}</Tag>}
              </div>
              {selected.description && <Typography.Paragraph type="secondary">{selected.description}</Typography.Paragraph>}
              <Calendar key={selected.id} instrument={selected} />
            </Card>
          ) : (
            !list.isPending && <Empty description={t('matching.inst.pick')} />
          )}
          <Bookings />
        </div>
      </div>
    </div>
  );
}
