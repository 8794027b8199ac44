import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useDeferredValue, useState } from 'react';
import { api } from '../api/client';
import type { Division } from '../api/types';

const PROVINCES: Record<string, string> = { '11': '北京', '12': '天津', '13': '河北' };

/** Administrative division picker (GB/T 2260), searching the server by name. */
export function DivisionSelect({
  value,
  onChange,
  placeholder,
  initialLabel,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  placeholder?: string;
  initialLabel?: string | null;
}) {
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const list = useQuery({
    queryKey: ['divisions', q],
    enabled: q.length > 0,
    queryFn: ({ signal }) => api.get<Division[]>('/api/reference/divisions', { q }, signal),
    staleTime: 10 * 60_000,
  });
  const options = (list.data ?? []).slice(0, 100).map((d) => ({
    value: d.code,
    label: `${d.name}${d.level > 1 && PROVINCES[d.provinceCode] ? `（${PROVINCES[d.provinceCode] ?? d.provinceCode}）` : ''} ${d.code}`,
  }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: initialLabel ? `${initialLabel} ${value}` : value });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      placeholder={placeholder}
      loading={list.isFetching}
      options={options}
      notFoundContent={null}
    />
  );
}
