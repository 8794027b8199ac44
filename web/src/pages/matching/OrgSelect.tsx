import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useDeferredValue, useState, type CSSProperties } from 'react';
import { api } from '../../api/client';
import type { OrganizationList, OrganizationSummary } from '../../api/types';
import { useLang } from '../../i18n';
import { REGION_NAMES, regionKey } from '../../i18n/vocab';

/** An organisation picker that searches the server by name (used by matchmaking and supply pages). */
export function OrgSelect({
  value,
  onChange,
  placeholder,
  initialLabel,
  region,
  style,
  allowClear = true,
  'data-testid': testId,
}: {
  value?: number | null;
  onChange?: (id: number | null, org?: OrganizationSummary) => void;
  placeholder?: string;
  initialLabel?: string | null;
  region?: string;
  style?: CSSProperties;
  allowClear?: boolean;
  'data-testid'?: string;
}) {
  const { lang } = useLang();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const list = useQuery({
    queryKey: ['org-select', q, region ?? ''],
    enabled: q.length > 0,
    queryFn: ({ signal }) => api.get<OrganizationList>('/api/organizations', { q, region, pageSize: 20 }, signal),
    staleTime: 60_000,
  });
  const items = list.data?.items ?? [];
  const options = items.map((o) => ({
    value: o.id,
    label: `${o.name}${o.shortName && o.shortName !== o.name ? `（${o.shortName}）` : ''} · ${REGION_NAMES[regionKey(o.region)][lang]}`,
  }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: initialLabel ?? `#${value}` });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear={allowClear}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null, items.find((o) => o.id === v))}
      placeholder={placeholder}
      loading={list.isFetching}
      options={options}
      notFoundContent={null}
      style={style}
      data-testid={testId}
      popupMatchSelectWidth={false}
    />
  );
}
