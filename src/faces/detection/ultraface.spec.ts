import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { createOnnxBackend, npmSamplePhoto } from '../../../test/support/face-fixtures.js';
import { FACE_MODELS } from '../../inference/model-repository.js';
import { OnnxRuntimeBackend } from '../../inference/onnx-runtime.backend.js';
import { toPlanarTensor } from '../rgb-image.js';
import type { Point } from '../../common/geometry.js';
import { fivePointsFrom68, landmarkCropFor } from './landmarks.js';
import {
  Candidate,
  decodeDetections,
  DETECTOR_INPUT,
  detectionFrames,
  detectorView,
  intersectionOverUnion,
  MAX_TALL_STRETCH,
  MAX_WIDE_STRETCH,
  nonMaximumSuppression,
} from './ultraface.js';

describe('non-maximum suppression', () => {
  const box = (x: number, y: number, size = 10) => ({ x, y, width: size, height: size });

  it('computes IoU', () => {
    expect(intersectionOverUnion(box(0, 0), box(0, 0))).toBe(1);
    expect(intersectionOverUnion(box(0, 0), box(5, 0))).toBeCloseTo(50 / 150);
    expect(intersectionOverUnion(box(0, 0), box(20, 20))).toBe(0);
  });

  it('keeps the best of overlapping boxes and every separate one, best first', () => {
    const candidates: Candidate[] = [
      { box: box(1, 1), score: 0.8 },
      { box: box(0, 0), score: 0.95 },
      { box: box(50, 50), score: 0.9 },
    ];
    expect(nonMaximumSuppression(candidates, 0.3).map((c) => c.score)).toEqual([0.95, 0.9]);
  });

  it('scales normalised corner boxes to the frame and drops low scores', () => {
    const scores = new Float32Array([0.1, 0.9, 0.8, 0.2]);
    const boxes = new Float32Array([0.25, 0.5, 0.75, 1, 0, 0, 0.1, 0.1]);
    const faces = decodeDetections(scores, boxes, { x: 100, y: 0, width: 400, height: 200 });
    expect(faces).toHaveLength(1);
    expect(faces[0].box).toEqual({ x: 200, y: 100, width: 200, height: 100 });
  });
});

describe('detection frames', () => {
  it('looks at a small image once, whole', () => {
    expect(detectionFrames(250, 250)).toEqual([{ x: 0, y: 0, width: 250, height: 250, maxFaceHeight: Infinity, minScore: 0.7 }]);
  });

  it('adds overlapping tiles on a large image that stay inside it and cover every pixel', () => {
    const frames = detectionFrames(1920, 1280);
    expect(frames).toHaveLength(1 + 4 + 9);
    for (const f of frames) {
      expect(f.x + f.width).toBeLessThanOrEqual(1920);
      expect(f.y + f.height).toBeLessThanOrEqual(1280);
    }
    const finest = frames.slice(5);
    // Neighbouring tiles overlap, so a face narrower than the overlap is whole in one of them.
    expect(finest[0].x + finest[0].width - finest[1].x).toBeGreaterThan(200);
    expect(Math.max(...finest.map((f) => f.x + f.width))).toBe(1920);
    expect(Math.max(...finest.map((f) => f.y + f.height))).toBe(1280);
  });
});

describe('detector view', () => {
  const stretch = (box: { width: number; height: number }) => box.width / box.height / (DETECTOR_INPUT.width / DETECTOR_INPUT.height);
  const frame = (width: number, height: number) => ({ x: 10, y: 20, width, height });

  it('stretches frames from 9:16 portraits to 16:9 (LFW, phone photos, 3:2 cameras) as before', () => {
    for (const [width, height] of [
      [250, 250],
      [1920, 1280],
      [960, 1280],
      [1280, 720],
      [92, 112],
      [720, 1280],
    ]) {
      expect(detectorView(frame(width, height))).toEqual(frame(width, height));
    }
  });

  it('pads a wide strip above and below, centred, so that it is stretched no more than MAX_WIDE_STRETCH', () => {
    const view = detectorView(frame(1740, 380));
    expect(view.x).toBe(10);
    expect(view.width).toBe(1740);
    expect(stretch(view)).toBeCloseTo(MAX_WIDE_STRETCH, 10);
    expect(view.y + view.height / 2).toBeCloseTo(20 + 380 / 2, 10);
  });

  it('pads a tall slice left and right the same way, past MAX_TALL_STRETCH', () => {
    const view = detectorView(frame(300, 1800));
    expect([view.y, view.height]).toEqual([20, 1800]);
    expect(1 / stretch(view)).toBeCloseTo(MAX_TALL_STRETCH, 10);
    expect(view.x + view.width / 2).toBeCloseTo(10 + 150, 10);
  });
});

describe('five points from 68', () => {
  it('averages eye contours and lip corners and keeps the nose tip', () => {
    const points: Point[] = Array.from({ length: 68 }, (_, i) => [i, 2 * i]);
    const five = fivePointsFrom68(points);
    expect(five[0]).toEqual([38.5, 77]);
    expect(five[1]).toEqual([44.5, 89]);
    expect(five[2]).toEqual([30, 60]);
    expect(five[3]).toEqual([54, 108]);
    expect(five[4]).toEqual([59, 118]);
  });

  it('keeps the landmark crop square and inside the image', () => {
    const crop = landmarkCropFor({ x: -10, y: 5, width: 40, height: 60 }, 100, 100);
    expect(crop).toEqual({ x: 0, y: 5, width: 60, height: 60 });
  });
});

describe('UltraFace on a real photo', () => {
  let backend: OnnxRuntimeBackend;
  beforeAll(async () => {
    backend = await createOnnxBackend();
  });
  afterAll(() => backend.onModuleDestroy());

  it('finds the three faces of the npm sample1.jpg group photo, with sane boxes', async () => {
    const path = npmSamplePhoto(1);
    const { width, height } = await sharp(readFileSync(path)).metadata();
    const input = await sharp(path).resize(DETECTOR_INPUT.width, DETECTOR_INPUT.height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const outputs = await backend.infer(FACE_MODELS.detector, {
      input: { data: toPlanarTensor({ data: input, ...DETECTOR_INPUT }, false), dims: [1, 3, 240, 320] },
    });
    const faces = decodeDetections(outputs.scores.data, outputs.boxes.data, { x: 0, y: 0, width: width, height: height });
    expect(faces).toHaveLength(3);
    for (const face of faces) {
      expect(face.score).toBeGreaterThan(0.9);
      // Faces in this photo are 150-320 px tall and roughly as wide as tall.
      expect(face.box.height).toBeGreaterThan(150);
      expect(face.box.height).toBeLessThan(350);
      expect(face.box.width / face.box.height).toBeGreaterThan(0.6);
      expect(face.box.width / face.box.height).toBeLessThan(1.3);
    }
    // Left to right: the three women sit at about 0.26, 0.49 and 0.82 of the width.
    const centres = faces.map((f) => (f.box.x + f.box.width / 2) / width).sort((a, b) => a - b);
    expect(centres[0]).toBeCloseTo(0.27, 1);
    expect(centres[1]).toBeCloseTo(0.49, 1);
    expect(centres[2]).toBeCloseTo(0.82, 1);
  });
});
