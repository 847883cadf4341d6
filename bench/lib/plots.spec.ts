import { accuracyPlotSpecs, oneToNCounts } from './accuracy-plots.js';
import { ScoreSet } from './det.js';
import { renderSvg } from './plots.js';

const oneToN: ScoreSet = { genuine: [0.9, 0.75, 0.62, 0.5, 0.45, -Infinity], impostor: [0.2, 0.3, 0.35, 0.41, 0.5, 0.55, 0.3, 0.25] };
const pairs: ScoreSet = { genuine: [0.8, 0.7, 0.6, 0.3], impostor: [-0.1, 0.05, 0.2, 0.5] };
const specs = accuracyPlotSpecs({
  oneToN,
  pairs,
  counts: { people: 12, gallery: 11, enrolledForImpostors: 6 },
  threshold: 0.48,
  oldSystem: { frr: 0.0643, far: 0.0419 },
  version: '9.9.9',
});
const svgWidth = (svg: string) => Number(/^<svg[^>]* width="(\d+)"/.exec(svg)?.[1]);

describe('accuracy plots', () => {
  it('the DET curve is a titled SVG marking the shipped threshold and the old system', async () => {
    const svg = await renderSvg(specs.det);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('DET curve');
    // Hand-counted at 0.48: 2 of 6 genuine below (0.45 and the wrong top-1), 2 of 8 impostors at or above.
    expect(svg).toContain('shipped 0.48: FRR 33.33%, FAR 25.00%');
    expect(svg).toContain('old system: FRR 6.43%, FAR 4.19%');
    expect(svg).toContain('False accept rate, FAR (%)');
    expect(svg).toContain('Face Matrix 9.9.9');
  });

  it('the histogram is a titled SVG with the threshold rule and the sample sizes', async () => {
    const svg = await renderSvg(specs.histogram);
    expect(svg).toContain('Genuine vs impostor cosine similarity');
    expect(svg).toContain('shipped threshold 0.48');
    expect(svg).toContain('genuine (same person), n = 5'); // the wrong top-1 has no similarity to show
    expect(svg).toContain('impostor (someone else), n = 8');
  });

  it('both fit a README column and fetch nothing', async () => {
    for (const svg of [await renderSvg(specs.det), await renderSvg(specs.histogram)]) {
      expect(svgWidth(svg)).toBeGreaterThan(400);
      expect(svgWidth(svg)).toBeLessThanOrEqual(720);
      expect(svg).not.toMatch(/href=|@import|url\((?!#)/);
    }
  });

  it('counts the 1:N galleries from the faces found', () => {
    const people = new Map([
      ['Ann', ['Ann/1', 'Ann/2']],
      ['Bob', ['Bob/1']],
      ['Cid', ['Cid/1', 'Cid/2']],
      ['Dee', ['Dee/1']],
    ]);
    const face = new Float32Array(4);
    const embeddings = new Map([
      ['Ann/1', null],
      ['Ann/2', face],
      ['Bob/1', face],
      ['Cid/1', face],
      ['Dee/1', null],
    ]);
    // Ann and Dee have no face in their first photo; Ann and Bob are the first half of the names.
    expect(oneToNCounts(people, embeddings)).toEqual({ people: 4, gallery: 2, enrolledForImpostors: 1 });
  });
});
