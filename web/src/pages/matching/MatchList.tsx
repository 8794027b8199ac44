import { CheckCircleFilled } from '@ant-design/icons';
import { Button, Empty, Tag, Tooltip, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { MatchItem, MatchResult } from '../../api/queries.matching';
import { RegionTag } from '../../components/common';
import { useLang } from '../../i18n';
import { label, ORG_KIND_NAMES, REGION_NAMES } from '../../i18n/vocab';
import { DirectionTag, fieldChips, Highlight, KindTag } from './common';
import { CHAIN_RELATION_NAMES, FIELD_LABELS_EN, FIT_COLOR, FIT_NAMES, MATCH_STAGE_NAMES, nameOf, SIGNAL_COLORS, SIGNAL_NAMES, SIGNALS } from './vocab';

type Explanation = MatchItem['explanation'];

/** The score as a bar of its six contributions (they add up to the score, out of 100). */
export function ScoreBar({ e, compact = false }: { e: Explanation; compact?: boolean }) {
  const { lang } = useLang();
  return (
    <div>
      <Tooltip
        title={
          <div>
            {SIGNALS.map((s) => (
              <div key={s}>
                {SIGNAL_NAMES[s][lang]}：{e.contributions[s].toFixed(1)}
              </div>
            ))}
          </div>
        }
      >
        <div className="score-bar" data-testid="score-bar">
          {SIGNALS.map((s) => (e.contributions[s] > 0 ? <div key={s} style={{ width: `${e.contributions[s]}%`, background: SIGNAL_COLORS[s] }} /> : null))}
        </div>
      </Tooltip>
      {!compact && (
      <div className="score-legend">
        {SIGNALS.filter((s) => e.contributions[s] > 0).map((s) => (
          <span key={s}>
            <span className="sw" style={{ background: SIGNAL_COLORS[s] }} />
            {SIGNAL_NAMES[s][lang]} {e.contributions[s].toFixed(1)}
          </span>
        ))}
      </div>
      )}
    </div>
  );
}

const ROUTE: Array<{ stage: 'rnd' | 'pilot' | 'production'; region: 'BJ' | 'TJ' | 'HE'; zh: string; en: string }> = [
  { stage: 'rnd', region: 'BJ', zh: '北京研发', en: 'R&D · Beijing' },
  { stage: 'pilot', region: 'TJ', zh: '天津中试', en: 'Pilot · Tianjin' },
  { stage: 'production', region: 'HE', zh: '河北量产', en: 'Production · Hebei' },
];

/** 北京研发 → 天津中试 → 河北量产, with the demand's stage lit and the candidate's region ringed. */
function Routing({ stage, candidateRegion }: { stage: string; candidateRegion: string }) {
  const { lang } = useLang();
  if (!ROUTE.some((r) => r.stage === stage)) return null;
  return (
    <span className="routing" data-testid="routing">
      {ROUTE.map((r, i) => (
        <span key={r.stage} style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
          {i > 0 && <span className="arr">→</span>}
          <span className={`st${r.stage === stage ? ' on' : ''}${r.region === candidateRegion ? ' cand' : ''}`}>{r[lang]}</span>
        </span>
      ))}
    </span>
  );
}

function Reasons({ e }: { e: Explanation }) {
  const { t, lang } = useLang();
  const relation = e.chain.relation;
  return (
    <div className="reasons" data-testid="match-reasons">
      <div className="k">{t('matching.why.text')}</div>
      <div className="v">
        {e.terms.matched.map((x) => (
          <Tag key={x} color="green" icon={<CheckCircleFilled />}>
            {x}
          </Tag>
        ))}
        {e.terms.partial.map((x) => (
          <Tag key={x} color="gold">
            {x}
          </Tag>
        ))}
        {e.terms.exact.length > 0 && (
          <Tag color="success" bordered={false}>
            {t('matching.why.exact', { names: e.terms.exact.join(lang === 'zh' ? '、' : ', ') })}
          </Tag>
        )}
        {!e.terms.matched.length && !e.terms.partial.length && <span className="sentence">{t('matching.why.noTerms')}</span>}
        {e.terms.missing.length > 0 && (
          <Tooltip title={e.terms.missing.join('、')}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('matching.why.missing', { n: e.terms.missing.length })}
            </Typography.Text>
          </Tooltip>
        )}
      </div>
      <div className="k">{t('matching.why.chain')}</div>
      <div className="v">
        {relation === 'none' ? (
          <span className="sentence">{nameOf(CHAIN_RELATION_NAMES, relation, lang)}</span>
        ) : (
          <>
            <Tag color={relation === 'opposite' ? 'orange' : 'purple'}>{nameOf(CHAIN_RELATION_NAMES, relation, lang)}</Tag>
            <span className="sentence">{e.chain.sentence.replace(/^产业链：/, '')}</span>
          </>
        )}
      </div>
      <div className="k">{t('matching.why.stage')}</div>
      <div className="v">
        <Routing stage={e.stage.stage} candidateRegion={e.stage.candidateRegion} />
        <Tag color={e.stage.matched ? 'green' : 'default'}>
          {nameOf(MATCH_STAGE_NAMES, e.stage.stage, lang)} · {REGION_NAMES[e.stage.candidateRegion][lang]} {e.stage.matched ? '✓' : `×${e.stage.preference}`}
        </Tag>
        <div className="sentence">{e.stage.sentence.replace(/^阶段：/, '')}</div>
      </div>
      <div className="k">{t('matching.why.region')}</div>
      <div className="v">
        <Tag color={e.region.matched ? 'green' : 'default'}>{REGION_NAMES[e.region.candidateRegion][lang]}</Tag>
        <span className="sentence">{e.region.sentence.replace(/^地区：/, '')}</span>
      </div>
      <div className="k">{t('matching.why.kind')}</div>
      <div className="v">
        <span className="sentence">{e.kind.sentence.replace(/^类型：/, '')}</span>
      </div>
      {e.fields.length > 0 && (
        <>
          <div className="k">{t('matching.why.fields')}</div>
          <div className="v" data-testid="field-fits">
            {e.fields.map((f) => (
              <Tooltip key={f.field} title={f.sentence}>
                <Tag color={FIT_COLOR[f.fit]}>
                  {lang === 'en' ? (FIELD_LABELS_EN[f.field] ?? f.label) : f.label}
                  {lang === 'zh' ? '：' : ': '}
                  {nameOf(FIT_NAMES, f.fit, lang)}
                  {f.offer && f.fit !== 'unknown' ? ` (${f.offer.length > 24 ? `${f.offer.slice(0, 24)}…` : f.offer})` : ''}
                </Tag>
              </Tooltip>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

/** One line of the strongest reasons, for a collapsed card. */
function ReasonsLine({ e, onOpen }: { e: Explanation; onOpen: () => void }) {
  const { t, lang } = useLang();
  return (
    <div className="reasons-line" data-testid="match-reasons-line">
      {e.terms.matched.slice(0, 5).map((x) => (
        <Tag key={x} color="green">
          {x}
        </Tag>
      ))}
      {e.chain.relation !== 'none' && <Tag color="purple">{nameOf(CHAIN_RELATION_NAMES, e.chain.relation, lang)}</Tag>}
      <Tag color={e.stage.matched ? 'green' : 'default'}>
        {nameOf(MATCH_STAGE_NAMES, e.stage.stage, lang)} · {REGION_NAMES[e.stage.candidateRegion][lang]} {e.stage.matched ? '✓' : ''}
      </Tag>
      {e.fields.filter((f) => f.fit === 'ok').map((f) => (
        <Tag key={f.field} color="success">
          {lang === 'en' ? (FIELD_LABELS_EN[f.field] ?? f.label) : f.label} ✓
        </Tag>
      ))}
      <Button type="link" size="small" onClick={onOpen} style={{ padding: 0 }}>
        {t('matching.why.more')}
      </Button>
    </div>
  );
}

export function MatchCard({ item, actions, defaultOpen = true }: { item: MatchItem; actions?: ReactNode; defaultOpen?: boolean }) {
  const { t, lang } = useLang();
  const [open, setOpen] = useState(defaultOpen);
  const e = item.explanation;
  const o = item.organization;
  const p = item.posting;
  const terms = e.terms.matched;
  const partial = e.terms.partial;
  return (
    <div className={`match-card${item.rank === 1 ? ' top' : ''}`} data-testid="match-card" data-org={o.name}>
      <div className="head">
        <div className="rank">{item.rank}</div>
        <div className="who">
          <div>
            <Link to={`/organizations/${o.id}`} className="nm" data-testid="match-org">
              {o.name}
            </Link>{' '}
            <Tag>{label(ORG_KIND_NAMES, o.kind, lang)}</Tag>
            <RegionTag region={o.region} />
            {o.divisionName && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{o.divisionName}</Typography.Text>}
          </div>
          {p ? (
            <div className="ptitle">
              <DirectionTag direction={p.direction} />
              <KindTag kind={p.kind} />
              <Link to={`/matching/postings/${p.id}`}>
                <Highlight text={p.title} terms={terms} partial={partial} />
              </Link>
              <div className="chips">
                {fieldChips(p.kind, p.fields, p.direction, lang).map((c) => (
                  <Tag key={c} bordered={false}>
                    <Highlight text={c} terms={terms} partial={partial} />
                  </Tag>
                ))}
              </div>
            </div>
          ) : (
            <div className="ptitle">
              <Tag bordered={false} color="blue">
                {t('matching.match.org')}
              </Tag>
              {o.products.length > 0 && (
                <span style={{ fontSize: 13 }}>
                  {t('matching.match.products')}
                  <Highlight text={o.products.slice(0, 12).join('、')} terms={terms} partial={partial} />
                </span>
              )}
            </div>
          )}
        </div>
        <div className="score">
          <div className="n" data-testid="match-score">
            {item.score.toFixed(1)} <small>/ 100</small>
          </div>
          <ScoreBar e={e} />
        </div>
      </div>
      {open ? <Reasons e={e} /> : <ReasonsLine e={e} onOpen={() => setOpen(true)} />}
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}

/** The query (stage, terms, preferences) and the ranked candidates with their explanations. */
export function MatchList({
  result,
  renderActions,
  openTop = 3,
}: {
  result: MatchResult;
  renderActions?: (item: MatchItem) => ReactNode;
  /** How many of the first cards show all their reasons (the others show one line). */
  openTop?: number;
}) {
  const { t, lang } = useLang();
  const [shown, setShown] = useState(10);
  const q = result.query;
  return (
    <div data-testid="match-list">
      <div className="match-query" data-testid="match-query">
        <span>
          {t('matching.match.stage')}
          <Tag color="orange" style={{ marginInlineStart: 4 }}>
            {nameOf(MATCH_STAGE_NAMES, q.stage, lang)}
          </Tag>
          <Typography.Text type="secondary">{q.stageReason}</Typography.Text>
        </span>
        <span>
          {t('matching.match.prefs')}
          <Tag style={{ marginInlineStart: 4 }}>{q.preferenceScope === 'global' ? t('matching.prefs.global') : REGION_NAMES[q.preferenceScope][lang]}</Tag>
        </span>
        <span>{t('matching.match.retrieval', { p: q.retrieval.postings, o: q.retrieval.organizations, ms: Math.round(q.retrieval.ms) })}</span>
      </div>
      <div className="match-query terms" style={{ margin: '6px 0 12px' }}>
        <span>{t('matching.match.terms')}</span>
        {q.terms.map((x) => (
          <Tooltip key={x.term} title={`${t(`matching.termFrom.${x.from}`)} · ${x.weight}`}>
            <Tag color={x.from === 'fields' ? 'blue' : x.from === 'title' ? 'geekblue' : 'default'} bordered={false}>
              {x.term}
            </Tag>
          </Tooltip>
        ))}
      </div>
      {!result.items.length && <Empty description={t('matching.match.none')} />}
      {result.items.slice(0, shown).map((it) => (
        <MatchCard key={`${it.type}-${it.posting?.id ?? it.organization.id}`} item={it} actions={renderActions?.(it)} defaultOpen={it.rank <= openTop} />
      ))}
      {result.items.length > shown && (
        <div style={{ textAlign: 'center' }}>
          <Button onClick={() => setShown((n) => n + 10)}>{t('matching.match.more', { n: result.items.length - shown })}</Button>
        </div>
      )}
    </div>
  );
}
