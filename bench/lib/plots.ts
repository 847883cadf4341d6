// The accuracy plots of `npm run bench:accuracy` as Vega-Lite specs, rendered to SVG headless
// (renderer 'none': no canvas, no fonts or URLs to fetch, so GitHub shows the files as they are).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { DetPoint, histogram, ScoreSet, thresholdGrid } from './det.js';

export interface DetSeries {
  readonly name: string;
  readonly points: readonly DetPoint[];
}

export interface OperatingPoint {
  readonly label: string;
  readonly frr: number;
  readonly far: number;
}

export interface HistogramPanel {
  readonly title: string;
  readonly scores: ScoreSet;
}

/** Fits a README column (GitHub renders about 700 px wide at most). */
const WIDTH = 600;
/** Log ticks a reader can name: 1-2-5 per decade, in %. */
const LOG_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100];
const COLORS = ['#1f6fb4', '#e4791b'];

/** Lowest tick at or below the smallest value, so no plotted point falls off a log axis. */
const logFloor = (values: number[]) => LOG_TICKS.filter((t) => t <= Math.min(...values)).at(-1) ?? LOG_TICKS[0];

/**
 * DET: FRR against FAR, both log scale (the convention: the interesting region is a few percent or less).
 * Points where FRR or FAR is 0 have no place on a log axis and are left out.
 */
export function detSpec(input: {
  series: readonly DetSeries[];
  shipped: OperatingPoint;
  old: OperatingPoint;
  subtitle: readonly string[];
}): vl.TopLevelSpec {
  const lines = input.series.flatMap((s) =>
    s.points.filter((p) => p.frr > 0 && p.far > 0).map((p) => ({ series: s.name, threshold: p.threshold, far: p.far * 100, frr: p.frr * 100 })),
  );
  const marks = [input.shipped, input.old].map((m) => ({ label: m.label, far: m.far * 100, frr: m.frr * 100 }));
  const domain = (key: 'far' | 'frr') => [logFloor([...lines, ...marks].map((d) => d[key])), 100];
  const axis = (title: string) => ({ title, values: LOG_TICKS, format: '~g', grid: true });
  const x = { field: 'far', type: 'quantitative', scale: { type: 'log', domain: domain('far') }, axis: axis('False accept rate, FAR (%)') } as const;
  const y = { field: 'frr', type: 'quantitative', scale: { type: 'log', domain: domain('frr') }, axis: axis('False reject rate, FRR (%)') } as const;
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: input.series.map((s) => s.name), range: COLORS },
    legend: { orient: 'bottom-left', labelLimit: 400, fillColor: 'white', padding: 6 },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'DET curve: false rejects against false accepts over thresholds', subtitle: [...input.subtitle], anchor: 'start', offset: 14 },
    width: WIDTH,
    height: 420,
    layer: [
      { data: { values: lines }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color, order: { field: 'threshold' } } },
      {
        data: { values: marks.slice(0, 1) },
        layer: [
          { mark: { type: 'point', filled: true, size: 110, color: COLORS[0], stroke: 'white', strokeWidth: 1.5, opacity: 1 } },
          { mark: { type: 'text', align: 'right', dx: -8, dy: 12, fontSize: 12, fontWeight: 'bold' }, encoding: { text: { field: 'label' } } },
        ],
        encoding: { x, y },
      },
      {
        data: { values: marks.slice(1) },
        layer: [
          { mark: { type: 'point', shape: 'diamond', filled: true, size: 110, color: 'black', opacity: 1 } },
          { mark: { type: 'text', align: 'left', dx: 9, dy: -4, fontSize: 12 }, encoding: { text: { field: 'label' } } },
        ],
        encoding: { x, y },
      },
    ],
  };
}

/** Share of each kind of attempt per similarity bin, genuine and impostor overlaid, one panel per protocol. */
export function histogramSpec(input: {
  panels: readonly HistogramPanel[];
  threshold: number;
  binWidth: number;
  title: string;
  subtitle: readonly string[];
}): vl.TopLevelSpec {
  const panels = input.panels.map((panel) => {
    const bins = (kind: string, values: readonly number[]) => {
      const finite = values.filter(Number.isFinite);
      return histogram(finite, input.binWidth).map((b) => ({ kind, start: b.start, end: b.end, share: (b.count / finite.length) * 100 }));
    };
    const genuine = `genuine (same person), n = ${panel.scores.genuine.filter(Number.isFinite).length.toLocaleString('en-US')}`;
    const impostor = `impostor (someone else), n = ${panel.scores.impostor.length.toLocaleString('en-US')}`;
    return { title: panel.title, values: [...bins(genuine, panel.scores.genuine), ...bins(impostor, panel.scores.impostor)] };
  });
  const all = panels.flatMap((p) => p.values);
  const xDomain = [Math.min(...all.map((b) => b.start)), Math.max(...all.map((b) => b.end))];
  const ticks = thresholdGrid(Math.ceil(xDomain[0] * 10) / 10, Math.floor(xDomain[1] * 10) / 10, 0.1);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: input.title, subtitle: [...input.subtitle], anchor: 'start', offset: 14 },
    spacing: 28,
    vconcat: panels.map((panel) => ({
      title: { text: panel.title, anchor: 'start', frame: 'group', fontSize: 12 },
      width: WIDTH,
      height: 170,
      layer: [
        {
          data: { values: panel.values },
          mark: { type: 'rect', opacity: 0.55 },
          encoding: {
            x: {
              field: 'start',
              type: 'quantitative',
              scale: { domain: xDomain, nice: false },
              axis: { title: 'Cosine similarity', values: ticks, format: '.1f' },
            },
            x2: { field: 'end' },
            y: { field: 'share', type: 'quantitative', axis: { title: 'Share of attempts (%)' } },
            color: {
              field: 'kind',
              type: 'nominal',
              title: null,
              scale: { range: COLORS },
              legend: { orient: 'top', direction: 'horizontal', labelLimit: 400 },
            },
          },
        },
        {
          data: { values: [{ threshold: input.threshold, label: `shipped threshold ${input.threshold}` }] },
          encoding: { x: { field: 'threshold', type: 'quantitative' } },
          layer: [
            { mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5, color: 'black' } },
            { mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, y: 4, fontSize: 11 }, encoding: { text: { field: 'label' } } },
          ],
        },
      ],
    })),
    resolve: { scale: { color: 'independent' } },
  };
}

/**
 * Without a canvas Vega guesses text as 0.8 em per character, about 1.4 times too wide: the SVG grows
 * past the README column and legends cover the bars. 0.6 em (0.68 bold) is DejaVu Sans, the widest
 * common sans-serif, so labels still fit where the font is narrower (Arial, Helvetica).
 */
function estimateTextWidth(item: { fontSize?: number; fontWeight?: string | number }, text: unknown): number {
  const size = item.fontSize ?? 11;
  const em = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600 ? 0.68 : 0.6;
  return Math.ceil(em * size * (typeof text === 'string' || typeof text === 'number' ? String(text) : '').trim().length);
}

export async function renderSvg(spec: vl.TopLevelSpec): Promise<string> {
  // textMetrics is exported at run time but missing from vega's typings.
  const metrics = (vega as unknown as { textMetrics: { width: (item: object, text: unknown) => number } }).textMetrics;
  const vegaEstimate = metrics.width;
  metrics.width = estimateTextWidth;
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
    metrics.width = vegaEstimate;
  }
}

/** Writes det-curve.svg and score-histogram.svg into `dir`; returns their paths. */
export async function writePlots(dir: string, det: vl.TopLevelSpec, scores: vl.TopLevelSpec): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: [string, vl.TopLevelSpec][] = [
    ['det-curve.svg', det],
    ['score-histogram.svg', scores],
  ];
  const written: string[] = [];
  for (const [name, spec] of files) {
    const path = join(dir, name);
    writeFileSync(path, `${await renderSvg(spec)}\n`);
    written.push(path);
  }
  return written;
}
