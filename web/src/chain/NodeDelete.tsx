/**
 * Deleting a node, from the map editor or the node panel: the confirmation says what the API's
 * cascade takes with it (supply links, attachments, sub-nodes' parent), the result says what went.
 */
import { App } from 'antd';
import type { ChainDetail, ChainNode } from '../api/types';
import { useErrorText } from '../components/common';
import { useLang } from '../i18n';
import { nodeDeleteImpact, useChainEdits } from './chainEdit';

export function useDeleteNode(chain: ChainDetail) {
  const { t, pick, lang } = useLang();
  const { modal, message } = App.useApp();
  const edits = useChainEdits(chain);
  const errorText = useErrorText();

  /** Asks, deletes; `onDone` after success, `onError` (default: a toast) with the server's message. */
  return (node: ChainNode, opts: { onDone?: () => void; onError?: (text: string) => void } = {}) => {
    const impact = nodeDeleteImpact(chain, node);
    const name = pick(node.name, node.nameEn);
    const edgeNames = impact.edges.map((e) => `${pick(e.from?.name, e.from?.nameEn)} → ${pick(e.to?.name, e.to?.nameEn)}`);
    const also = [
      impact.edges.length > 0 && t('chainEdit.node.deleteEdges', { n: impact.edges.length, names: edgeNames.slice(0, 6).join(lang === 'zh' ? '、' : ', ') + (edgeNames.length > 6 ? '…' : '') }),
      impact.links > 0 && t('chainEdit.node.deleteLinks', { n: impact.links }),
      impact.children.length > 0 && t('chainEdit.node.deleteChildren', { n: impact.children.length }),
    ].filter((x): x is string => !!x);
    modal.confirm({
      title: t('chainEdit.node.deleteConfirm', { name }),
      content: (
        <div data-testid="node-delete-impact">
          {also.length ? (
            <>
              <div>{t('chainEdit.node.deleteAlso')}</div>
              <ul style={{ margin: '4px 0 6px', paddingInlineStart: 20 }}>
                {also.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </>
          ) : (
            <div>{t('chainEdit.node.deleteNothing')}</div>
          )}
          <div style={{ color: '#8c8c8c' }}>{t('chainEdit.node.deleteIrreversible')}</div>
        </div>
      ),
      okText: t('chainEdit.delete'),
      cancelText: t('chainEdit.cancel'),
      okButtonProps: { danger: true, 'data-testid': 'node-delete-ok' } as any,
      onOk: async () => {
        try {
          await edits.deleteNode(node);
          message.success(
            impact.edges.length || impact.links
              ? t('chainEdit.node.deletedWith', { name, edges: impact.edges.length, links: impact.links })
              : t('chainEdit.node.deleted', { name }),
          );
          opts.onDone?.();
        } catch (e) {
          const text = errorText(e);
          if (opts.onError) opts.onError(text);
          else message.error(`${t('chainEdit.failed')}${lang === 'zh' ? '：' : ': '}${text}`);
        }
      },
    });
  };
}
