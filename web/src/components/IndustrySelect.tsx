import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useDeferredValue, useState } from 'react';
import { api } from '../api/client';
import type { Industry } from '../api/types';

/** GB/T 4754 industry picker that searches the server as you type. */
export function IndustrySelect({
  value,
  onChange,
  placeholder,
  style,
  initialLabel,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  placeholder?: string;
  style?: React.CSSProperties;
  initialLabel?: string | null;
}) {
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search);
  const list = useQuery({
    queryKey: ['industries', q],
    queryFn: ({ signal }) => api.get<Industry[]>('/api/reference/industries', { q: q || undefined, limit: 50, level: q ? undefined : 1 }, signal),
    staleTime: 10 * 60_000,
  });
  const options = (list.data ?? []).map((i) => ({ value: i.code, label: `${i.code} ${i.name}` }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: initialLabel ? `${value} ${initialLabel}` : value });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      placeholder={placeholder}
      style={style}
      loading={list.isFetching}
      options={options}
      popupMatchSelectWidth={320}
    />
  );
}
