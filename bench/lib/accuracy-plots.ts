// What bench:accuracy plots: the DET curve and the score histograms of the shipped pipeline on LFW dev,
// with the protocol spelled out under each title so a figure read alone still says what it measured.
import type { TopLevelSpec } from 'vega-lite';
import { detCurve, errorRates, ScoreSet, thresholdGrid } from './det.js';
import type { Embeddings } from './lfw.js';
import { detSpec, histogramSpec } from './plots.js';

/** The sizes behind the 1:N protocol of lfw.ts (oneToNScores), for the subtitles. */
export interface OneToNCounts {
  readonly people: number;
  /** People whose first photo has a face: the gallery of the genuine probes. */
  readonly gallery: number;
  /** The first half of the names with a face in their first photo: the gallery of the impostor probes. */
  readonly enrolledForImpostors: number;
}

export function oneToNCounts(people: ReadonlyMap<string, string[]>, embeddings: Embeddings): OneToNCounts {
  const names = [...people.keys()];
  const hasFace = (name: string) => embeddings.get(people.get(name)![0]) != null;
  return {
    people: names.length,
    gallery: names.filter(hasFace).length,
    enrolledForImpostors: names.slice(0, Math.floor(names.length / 2)).filter(hasFace).length,
  };
}

export interface AccuracyPlotInput {
  readonly oneToN: ScoreSet;
  readonly pairs: ScoreSet;
  readonly counts: OneToNCounts;
  readonly threshold: number;
  readonly oldSystem: { readonly frr: number; readonly far: number };
  readonly version: string;
}

/** Every 0.005 over the whole useful range: the curve's ends show the rank-1 floor and the FAR tail. */
export const DET_THRESHOLDS = thresholdGrid(0, 1, 0.005);
const n = (count: number) => count.toLocaleString('en-US');
const pct = (share: number) => `${(share * 100).toFixed(2)}%`;

export function accuracyPlotSpecs(input: AccuracyPlotInput): { det: TopLevelSpec; histogram: TopLevelSpec } {
  const { oneToN, pairs, counts, threshold } = input;
  const impostorPeople = counts.people - Math.floor(counts.people / 2);
  const source = [
    `LFW dev (View-1 training people), ${n(counts.people)} people; Face Matrix ${input.version}, shipped threshold ${threshold}.`,
    `1:N (old system's protocol): ${n(oneToN.genuine.length)} second photos against a gallery of ${n(counts.gallery)} first photos;`,
    `impostors: ${n(oneToN.impostor.length)} photos of the last ${n(impostorPeople)} people against the first photos of the other ${n(counts.enrolledForImpostors)}.`,
    `1:1: View-1 pairs, ${n(pairs.genuine.length)} matched + ${n(pairs.impostor.length)} mismatched. Accept when cosine similarity >= threshold.`,
  ];
  const shipped = errorRates(oneToN, threshold);
  const det = detSpec({
    series: [
      { name: '1:N best match (old system protocol)', points: detCurve(oneToN, DET_THRESHOLDS) },
      { name: '1:1 View-1 pairs (rates of 0 not drawn on log axes)', points: detCurve(pairs, DET_THRESHOLDS) },
    ],
    shipped: { label: `shipped ${threshold}: FRR ${pct(shipped.frr)}, FAR ${pct(shipped.far)}`, ...shipped },
    old: { label: `old system: FRR ${pct(input.oldSystem.frr)}, FAR ${pct(input.oldSystem.far)}`, ...input.oldSystem },
    subtitle: [...source, `One point per threshold, 0 to 1 every 0.005.`],
  });
  const rankedFirst = oneToN.genuine.filter(Number.isFinite).length;
  const histogram = histogramSpec({
    title: 'Genuine vs impostor cosine similarity: View-1 pairs and 1:N best match',
    subtitle: source,
    threshold,
    binWidth: 0.02,
    panels: [
      { title: '1:1 View-1 pairs: similarity of the two photos', scores: pairs },
      {
        title: `1:N best match (genuine: right person ranked first, ${n(rankedFirst)} of ${n(oneToN.genuine.length)} probes)`,
        scores: oneToN,
      },
    ],
  });
  return { det, histogram };
}
