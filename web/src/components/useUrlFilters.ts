import { useSearchParams } from 'react-router-dom';

export type UrlPatch = Record<string, string | number | undefined | null>;

/**
 * A page's filters kept in the address (shareable, back-button friendly). `update(patch)` sets or,
 * for empty values, removes parameters and returns to the first page unless `keepPage`;
 * `replace` rewrites the history entry instead of adding one.
 */
export function useUrlFilters({ replace = false }: { replace?: boolean } = {}) {
  const [params, setParams] = useSearchParams();
  const update = (patch: UrlPatch, { keepPage = false }: { keepPage?: boolean } = {}) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!keepPage) next.delete('page');
    setParams(next, { replace });
  };
  return { params, setParams, update };
}
