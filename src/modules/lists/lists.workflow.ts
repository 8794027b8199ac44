import { createError } from '../../errors.ts';
import { ENTRY_STATUS_NAMES, type EntryStatus } from './lists.schemas.ts';

/**
 * The workflow of a list entry:
 *
 *   proposed ──→ accepted ──→ in_progress ──→ resolved
 *      │             │              │             │
 *      └─────────────┴──────────────┴─→ dropped   └─→ in_progress (reopen)
 *   dropped ──→ proposed (reconsider)
 */
export const TRANSITIONS: Record<EntryStatus, EntryStatus[]> = {
  proposed: ['accepted', 'dropped'],
  accepted: ['in_progress', 'dropped'],
  in_progress: ['resolved', 'dropped'],
  resolved: ['in_progress'],
  dropped: ['proposed'],
};

export function allowedTransitions(from: EntryStatus): EntryStatus[] {
  return TRANSITIONS[from];
}

export function assertTransition(from: EntryStatus, to: EntryStatus): void {
  const allowed = TRANSITIONS[from];
  if (allowed.includes(to)) return;
  const zh = (s: EntryStatus) => ENTRY_STATUS_NAMES[s].zh;
  const en = (s: EntryStatus) => ENTRY_STATUS_NAMES[s].en.toLowerCase();
  throw createError({
    code: 'lists.invalid_transition',
    message:
      from === to
        ? `条目已经是「${zh(from)}」状态 / the entry is already ${en(from)}`
        : `不能从「${zh(from)}」变为「${zh(to)}」，可选：${allowed.map(zh).join('、')} / cannot go from ${en(from)} to ${en(to)}; allowed: ${allowed.map(en).join(', ')}`,
    status: 400,
    fields: { to: `不允许的状态变更 / not allowed from ${from}` },
    details: { from, to, allowed },
  });
}
