import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FacePipeline } from '../../src/faces/face-pipeline.js';
import { readPairs } from './lfw.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i], 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * How recognition falls off with face size: the measurement behind MIN_FACE_SIZE_PX. For the first
 * `pairs` matched and mismatched View-1 pairs, the second photo is shrunk until its face is `size` px
 * (the longer side of the detector's box), on a grey canvas so the detector sees it at that size, and
 * compared with the first at full size; size 0 compares the photos as they are. `pipeline` must embed faces of any size (minFaceSizePx 0).
 */
export async function recognitionByFaceSize(
  pipeline: FacePipeline,
  lfwDir: string,
  threshold: number,
  sizes: number[],
  pairs = 150,
): Promise<string[]> {
  const all = readPairs(join(lfwDir, 'pairsDevTrain.txt'));
  const chosen = [...all.filter((pair) => pair.same).slice(0, pairs), ...all.filter((pair) => !pair.same).slice(0, pairs)];
  const image = (id: string) => readFileSync(join(lfwDir, 'images', `${id}.jpg`));
  const full = new Map<string, { embedding: Float32Array; size: number }>();
  const reference = async (id: string) => {
    if (!full.has(id)) {
      const { embedding, face } = await pipeline.embedLargestFace(image(id));
      full.set(id, { embedding, size: face.faceSizePx });
    }
    return full.get(id)!;
  };
  const lines: string[] = [];
  for (const size of sizes) {
    const genuine: number[] = [];
    const impostor: number[] = [];
    let missed = 0;
    for (const pair of chosen) {
      try {
        const a = await reference(pair.a);
        const b = await reference(pair.b);
        if (size === 0) {
          (pair.same ? genuine : impostor).push(dot(a.embedding, b.embedding));
          continue;
        }
        const scale = size / b.size;
        const { width = 250, height = 250 } = await sharp(image(pair.b)).metadata();
        const shrunk = await sharp(image(pair.b))
          .resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)))
          .toBuffer();
        const canvas = await sharp({ create: { width: 320, height: 320, channels: 3, background: '#808080' } })
          .composite([{ input: shrunk, left: 10, top: 10 }])
          .jpeg({ quality: 95 })
          .toBuffer();
        const similarity = dot(a.embedding, (await pipeline.embedLargestFace(canvas)).embedding);
        (pair.same ? genuine : impostor).push(similarity);
      } catch {
        missed++;
      }
    }
    const share = (values: number[], of: number) => `${((100 * values.filter((value) => value >= threshold).length) / of).toFixed(1)}%`;
    lines.push(
      `face ${size === 0 ? 'as shot' : `${String(size).padStart(3)} px`}: known face reaches ${threshold} in ${share(genuine, pairs)} of pairs (median ${median(genuine).toFixed(3)}), ` +
        `a stranger in ${share(impostor, pairs)} (max ${Math.max(...impostor).toFixed(3)}); no face found or embedded in ${missed} of ${chosen.length}`,
    );
  }
  return lines;
}
