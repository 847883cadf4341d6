// bench:accuracy --compare-alignments: the same LFW dev protocols and the same embedder, with the
// face aligned on the 68-point model's 5 points or on MTCNN O-Net's. Pure figures here; the bench
// computes the embeddings and times the pipelines.
import { readFileSync } from 'node:fs';
import type { TopLevelSpec } from 'vega-lite';
import type { FacePipeline } from '../../src/faces/face-pipeline.js';
import { DET_THRESHOLDS } from './accuracy-plots.js';
import { detCurve, DetPoint, errorRates, oneToNScoreSet, ScoreSet, thresholdGrid } from './det.js';
import { Embeddings, LfwPair, oneToNScores, pairAccuracy, pairSimilarities } from './lfw.js';
import { detSpec } from './plots.js';

/** The FARs at which the DET is read off for the comparison table. */
export const FAR_TARGETS = [0.01, 0.015, 0.02] as const;
const FINE_GRID = thresholdGrid(0, 1, 0.001);

export interface AlignmentFigures {
  readonly label: string;
  /** Genuine 1:N probes whose best match is someone else (or that have no face), 0..1. */
  readonly rank1Errors: number;
  readonly probes: number;
  readonly atThreshold: DetPoint;
  /** Lowest FRR with FAR at most each of FAR_TARGETS, and the threshold that gives it. */
  readonly atFar: readonly DetPoint[];
  readonly pairsBest: { readonly accuracy: number; readonly threshold: number };
  readonly oneToN: ScoreSet;
}

/** The operating point with the lowest FRR whose FAR is at most `far` (the highest such threshold wins ties). */
export function frrAtFar(scores: ScoreSet, far: number, thresholds: readonly number[] = FINE_GRID): DetPoint {
  const allowed = detCurve(scores, thresholds).filter((point) => point.far <= far);
  if (allowed.length === 0) return { threshold: NaN, frr: 1, far: NaN };
  return allowed.reduce((best, point) => (point.frr < best.frr || (point.frr === best.frr && point.threshold > best.threshold) ? point : best));
}

export function alignmentFigures(
  label: string,
  people: Map<string, string[]>,
  pairs: LfwPair[],
  embeddings: Embeddings,
  threshold: number,
): AlignmentFigures {
  const scores = oneToNScores(people, embeddings);
  const oneToN = oneToNScoreSet(scores);
  const scored = pairSimilarities(pairs, embeddings);
  const pairThresholds = thresholdGrid(0.1, 0.7, 0.01);
  const best = pairThresholds.reduce((a, t) => (pairAccuracy(scored, t) > pairAccuracy(scored, a) ? t : a));
  return {
    label,
    rank1Errors: scores.genuine.filter((g) => !g.correctPerson).length / scores.genuine.length,
    probes: scores.genuine.length,
    atThreshold: errorRates(oneToN, threshold),
    atFar: FAR_TARGETS.map((far) => frrAtFar(oneToN, far)),
    pairsBest: { accuracy: pairAccuracy(scored, best), threshold: best },
    oneToN,
  };
}

const pct = (share: number) => `${(share * 100).toFixed(2)}%`;

/** The comparison as printed lines: one row per alignment, then the difference in rank-1 errors. */
export function comparisonTable(figures: readonly AlignmentFigures[], threshold: number): string[] {
  const header = [
    'alignment'.padEnd(26),
    'rank-1 err.',
    `FRR/FAR @${threshold}`.padStart(17),
    ...FAR_TARGETS.map((far) => `FRR @FAR ${pct(far)}`.padStart(22)),
    'pairs (best thr.)',
  ];
  const rows = figures.map((f) => [
    f.label.padEnd(26),
    pct(f.rank1Errors).padStart(11),
    `${pct(f.atThreshold.frr)} / ${pct(f.atThreshold.far)}`.padStart(17),
    ...f.atFar.map((p) => `${pct(p.frr)} (thr ${p.threshold.toFixed(3)})`.padStart(22)),
    `${pct(f.pairsBest.accuracy)} at ${f.pairsBest.threshold}`,
  ]);
  const lines = [header.join('  '), ...rows.map((row) => row.join('  '))];
  if (figures.length === 2) {
    const [a, b] = figures;
    const points = (a.rank1Errors - b.rank1Errors) * 100;
    const probes = Math.round((a.rank1Errors - b.rank1Errors) * a.probes);
    lines.push(`rank-1 errors, ${a.label} minus ${b.label}: ${points.toFixed(2)} points (${probes} of ${a.probes} probes)`);
  }
  return lines;
}

/** One DET curve (1:N, old system's protocol) per alignment, with the shipped operating point. */
export function alignmentDetSpec(
  figures: readonly AlignmentFigures[],
  shipped: AlignmentFigures,
  threshold: number,
  oldSystem: { frr: number; far: number },
  subtitle: readonly string[],
): TopLevelSpec {
  return detSpec({
    // The shipped alignment first: detSpec draws the shipped point in the first series' colour.
    series: [shipped, ...figures.filter((f) => f !== shipped)].map((f) => ({
      name: `1:N, aligned on ${f.label} (rank-1 errors ${pct(f.rank1Errors)})`,
      points: detCurve(f.oneToN, DET_THRESHOLDS),
    })),
    shipped: { label: `shipped ${threshold}: FRR ${pct(shipped.atThreshold.frr)}, FAR ${pct(shipped.atThreshold.far)}`, ...shipped.atThreshold },
    old: { label: `old system: FRR ${pct(oldSystem.frr)}, FAR ${pct(oldSystem.far)}`, ...oldSystem },
    subtitle,
  });
}

/**
 * Per-face time of the shipped pipeline with each alignment, interleaved image by image so that the
 * load of the shared machine weighs on both alike; best of 3 runs each, medians over images.
 */
export async function timeAlignments(pipelines: readonly { label: string; pipeline: FacePipeline }[], files: readonly string[]) {
  if (files.length === 0) return;
  const runs = pipelines.map(({ label, pipeline }) => ({ label, pipeline, total: [] as number[], beforeEmbed: [] as number[] }));
  const differences = { total: [] as number[], beforeEmbed: [] as number[] };
  for (const file of files) {
    const bytes = readFileSync(file);
    const best = runs.map(() => ({ total: Infinity, beforeEmbed: Infinity }));
    for (let round = 0; round < 3; round++) {
      for (const [k, run] of runs.entries()) {
        const { detect = 0, landmarks = 0, align = 0, embed = 0 } = (await run.pipeline.embedLargestFace(bytes)).timings;
        const beforeEmbed = detect + landmarks + align;
        best[k] = { total: Math.min(best[k].total, beforeEmbed + embed), beforeEmbed: Math.min(best[k].beforeEmbed, beforeEmbed) };
      }
    }
    runs.forEach((run, k) => {
      run.total.push(best[k].total);
      run.beforeEmbed.push(best[k].beforeEmbed);
    });
    differences.total.push(best[1].total - best[0].total);
    differences.beforeEmbed.push(best[1].beforeEmbed - best[0].beforeEmbed);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ms = (value: number, sign = false) => `${sign && value >= 0 ? '+' : ''}${value.toFixed(2)} ms`;
  console.log(
    `\nPer face, one core (ORT 1 intra-op thread), ${files.length} LFW images, shipped pipeline, alignments interleaved, best of 3 (shared CPU):`,
  );
  for (const run of runs)
    console.log(`  ${run.label.padEnd(20)} detect+align+embed ${ms(median(run.total))}, of which detect+align ${ms(median(run.beforeEmbed))}`);
  const vs = `${runs[1].label} minus ${runs[0].label}, median per image`;
  console.log(
    `  ${vs}: detect+align+embed ${ms(median(differences.total), true)}, detect+align ${ms(median(differences.beforeEmbed), true)} (the embedder runs the same in both)`,
  );
}
