/**
 * One lab trend as a line chart (uPlot, loaded on first use with dynamic import so the app's first load stays small),
 * the reference range (基準値) shaded, each value written beside its point. The chart is a picture for the eye
 * (aria-hidden): the table beside it (LabTrends.tsx) carries the same values for everyone.
 */
import { japanDay } from '../../shared/japan-time.ts';
import { useEffect, useRef, useState } from 'react';
import type uPlotType from 'uplot';
import { useI18n } from '../../shared/i18n.tsx';
import { showNumber } from './format.ts';
import type { Trend } from './trends.ts';

type UPlot = typeof uPlotType;
let loading: Promise<UPlot> | undefined;

/** uPlot and its stylesheet, once. */
function loadUPlot(): Promise<UPlot> {
  loading ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => m.default);
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

const BRAND = '#0b5394';
const CHECKUP = '#7a4b00';
const BAND = 'rgba(13, 83, 34, 0.10)';
const INK = '#1a1a1a';
const GRID = '#d5dbe1';

const seconds = (day: string) => Date.parse(`${day}T00:00:00+09:00`) / 1000;
const dayOf = (s: number) => japanDay(s * 1000);

function options(u: UPlot, trend: Trend, width: number, height: number): uPlotType.Options {
  const values = trend.points.map((p) => p.value);
  const lo = Math.min(...values, trend.low ?? Number.POSITIVE_INFINITY, trend.high ?? Number.POSITIVE_INFINITY);
  const hi = Math.max(...values, trend.low ?? Number.NEGATIVE_INFINITY, trend.high ?? Number.NEGATIVE_INFINITY);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.2;
  const font = '14px system-ui, "Noto Sans CJK JP", sans-serif';
  return {
    width,
    height,
    legend: { show: false },
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      x: { time: true, range: (_u, min, max) => (min === max ? [min - 86400 * 30, max + 86400 * 30] : [min - (max - min) * 0.06, max + (max - min) * 0.06]) },
      y: { range: () => [Math.max(0, lo - pad), hi + pad] },
    },
    axes: [
      {
        stroke: INK,
        font,
        space: 90,
        grid: { stroke: GRID, width: 1 },
        ticks: { stroke: GRID },
        values: (_u, splits) => splits.map((s) => dayOf(s).slice(0, 7).replace('-', '/')),
      },
      { stroke: INK, font, size: 56, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID }, values: (_u, splits) => splits.map((s) => showNumber(s)) },
    ],
    series: [
      {},
      {
        label: trend.name,
        stroke: BRAND,
        width: 3,
        points: { show: true, size: 10, width: 2, stroke: BRAND, fill: '#ffffff' },
      },
    ],
    hooks: {
      drawClear: [
        (p) => {
          if (trend.low === undefined && trend.high === undefined) return;
          const { ctx, bbox } = p;
          const top = trend.high === undefined ? bbox.top : p.valToPos(trend.high, 'y', true);
          const bottom = trend.low === undefined ? bbox.top + bbox.height : p.valToPos(trend.low, 'y', true);
          ctx.save();
          ctx.fillStyle = BAND;
          ctx.fillRect(bbox.left, Math.max(bbox.top, top), bbox.width, Math.min(bbox.top + bbox.height, bottom) - Math.max(bbox.top, top));
          ctx.restore();
        },
      ],
      draw: [
        (p) => {
          const { ctx } = p;
          ctx.save();
          ctx.font = `700 ${Math.round(14 * u.pxRatio)}px system-ui, "Noto Sans CJK JP", sans-serif`;
          ctx.textAlign = 'center';
          for (const pt of trend.points) {
            const x = p.valToPos(seconds(pt.date), 'x', true);
            const y = p.valToPos(pt.value, 'y', true);
            ctx.fillStyle = pt.source === 'checkup' ? CHECKUP : INK;
            ctx.fillText(showNumber(pt.value), x, y - 12 * u.pxRatio);
            if (pt.source === 'checkup') {
              ctx.strokeStyle = CHECKUP;
              ctx.lineWidth = 2 * u.pxRatio;
              ctx.strokeRect(x - 7 * u.pxRatio, y - 7 * u.pxRatio, 14 * u.pxRatio, 14 * u.pxRatio);
            }
          }
          ctx.restore();
        },
      ],
    },
  };
}

export function TrendChart({ trend }: { trend: Trend }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let chart: uPlotType | undefined;
    let observer: ResizeObserver | undefined;
    let live = true;
    loadUPlot().then(
      (U) => {
        if (!live) return;
        const size = () => ({ width: Math.max(200, Math.floor(el.clientWidth)), height: 220 });
        const data: uPlotType.AlignedData = [trend.points.map((p) => seconds(p.date)), trend.points.map((p) => p.value)];
        chart = new U(options(U, trend, size().width, size().height), data, el);
        observer = new ResizeObserver(() => chart?.setSize(size()));
        observer.observe(el);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [trend]);
  if (failed)
    return <p className="note">{t({ ja: 'グラフを表示できませんでした（表をご覧ください）', en: 'The chart could not be shown (see the table)' })}</p>;
  return <div className="patients-chart" ref={box} aria-hidden="true" />;
}
