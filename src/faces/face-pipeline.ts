import { ApiError } from '../common/api-error.js';
import { Box, Point, roundTo } from '../common/geometry.js';
import type { EmbedderContract } from '../inference/embedder-contract.js';
import { InferenceBackend } from '../inference/inference-backend.js';
import { FACE_MODELS } from '../inference/model-repository.js';
import {
  averageWithMirrored,
  decodeLandmarks,
  fivePointsFrom68,
  LANDMARK_INPUT_SIZE,
  landmarkCropFor,
  landmarkInput,
  mirrorGrey,
} from './detection/landmarks.js';
import { decodeOnetLandmarks, ONET_INPUT_SIZE, OnetOutput, refinedOnetCrop, squareBox } from './detection/onet.js';
import { detectFaces } from './detection/face-detector.js';
import type { Candidate } from './detection/ultraface.js';
import { meanOfUnitRows, runEmbedder } from './embedder-run.js';
import { faceQuality, laplacianVariance } from './face-quality.js';
import { embeddableByProminence, MIN_FACE_SIZE_PX } from './face-selection.js';
import type { DecodedImage } from './image-decoding.js';
import { PixelsOnThisThread, PixelWork } from './pixel-work.js';
import { cropResize, mirror, RgbImage, toGrey } from './rgb-image.js';

export interface DetectedFace {
  /** Integer pixels of the upright (EXIF-rotated) original image. */
  readonly box: Box;
  readonly score: number;
  /** Left eye, right eye, nose tip, left and right mouth corner, in original-image pixels. */
  readonly landmarks: Point[];
  readonly quality: number;
  readonly faceSizePx: number;
}

/** Milliseconds per pipeline stage, for Server-Timing and benchmarks; a stage that did not run is absent. */
export type StageTimings = Partial<Record<'decode' | 'detect' | 'landmarks' | 'align' | 'embed', number>>;

export interface DetectionResult {
  readonly width: number;
  readonly height: number;
  readonly faces: DetectedFace[];
  readonly timings: StageTimings;
}

export interface EmbeddedFace {
  readonly facesDetected: number;
  readonly face: DetectedFace;
  /** L2-normalised, as long as the embedder's vectors. Biometric data: never log it. */
  readonly embedding: Float32Array;
  readonly timings: StageTimings;
}

/** The faces of a photo that a group recognition is about, embedded. */
export interface EmbeddedFaces {
  /** Every face the detector found, including those too small to embed or beyond the limit asked for. */
  readonly facesDetected: number;
  /** The most prominent faces large enough to embed, most prominent first, at most the limit asked for. */
  readonly faces: readonly { readonly face: DetectedFace; readonly embedding: Float32Array }[];
  readonly timings: StageTimings;
}

/** How faces are found and aligned; how they are embedded is the embedder's own declaration (EmbedderContract). */
export interface FacePipelineOptions {
  /** Average the landmarks found on the face crop and on its mirror image (measured by bench:accuracy). */
  readonly landmarkFlip: boolean;
  /** Align on MTCNN O-Net's 5 points (face_landmarks5) instead of the 68-point model's: fewer wrong top-1 matches (bench:accuracy). */
  readonly onetAlignment: boolean;
  /** Faces located per image (detect: best scores first; group recognition: most prominent first); bounds the cost of a crowd photo. */
  readonly maxFaces: number;
  /** Smaller faces are counted but never embedded (face-selection.ts); bench:accuracy --face-sizes lowers it to measure why. */
  readonly minFaceSizePx: number;
}

export const DEFAULT_FACE_PIPELINE_OPTIONS: FacePipelineOptions = {
  landmarkFlip: true,
  onetAlignment: true,
  maxFaces: 50,
  minFaceSizePx: MIN_FACE_SIZE_PX,
};

interface FoundFace {
  readonly face: DetectedFace;
  readonly aligned: RgbImage;
}

/**
 * Image bytes in, faces and embeddings out: decode -> detect -> landmarks -> align -> embed.
 * The app serves the default options (face-pipeline.module.ts); bench:accuracy builds others.
 */
export class FacePipeline {
  private readonly options: FacePipelineOptions;

  constructor(
    private readonly backend: InferenceBackend,
    /** The configured embedder: which model, its dimension and its preprocessing. */
    readonly embedder: EmbedderContract,
    options: Partial<FacePipelineOptions> = {},
    /** Where decoding, crops and warps run: the service passes its pixel worker threads. */
    private readonly pixels: PixelWork = new PixelsOnThisThread(),
  ) {
    this.options = { ...DEFAULT_FACE_PIPELINE_OPTIONS, ...options };
  }

  async detect(image: Buffer): Promise<DetectionResult> {
    const timings: StageTimings = {};
    const decoded = await timed(timings, 'decode', () => this.pixels.decode(image));
    const found = await this.findFaces(decoded, timings);
    return { width: decoded.originalWidth, height: decoded.originalHeight, faces: found.map((f) => f.face), timings };
  }

  /**
   * The face a recognition request is about: the most prominent one large enough to embed
   * (face-selection.ts). Throws 601 when there is no face, 603 when every face is too small.
   */
  async embedLargestFace(image: Buffer): Promise<EmbeddedFace> {
    const { facesDetected, face, aligned, timings } = await this.alignLargestFace(image);
    const embedding = await timed(timings, 'embed', () => this.embedAligned(aligned));
    return { facesDetected, face, embedding, timings };
  }

  /** The most prominent face, aligned to the 112x112 ArcFace template; embedLargestFace minus the embedding. */
  async alignLargestFace(image: Buffer): Promise<{ facesDetected: number; face: DetectedFace; aligned: RgbImage; timings: StageTimings }> {
    const timings: StageTimings = {};
    const decoded = await timed(timings, 'decode', () => this.pixels.decode(image));
    const candidates = await this.detectCandidates(decoded, timings);
    // Prominence needs the box only, so the other faces of a group photo skip landmarks and alignment.
    const [chosen] = recognisable(decoded, candidates, this.options.minFaceSizePx);
    const [found] = await this.locateFaces(decoded, [chosen], timings);
    return { facesDetected: candidates.length, face: found.face, aligned: found.aligned, timings };
  }

  /**
   * Every face of a group photo worth recognising, most prominent first, at most `maxFaces`, embedded
   * together: as few embedder runs as its max_batch_size allows. Throws 601 / 603 as embedLargestFace does.
   */
  async embedFaces(image: Buffer, maxFaces: number): Promise<EmbeddedFaces> {
    const timings: StageTimings = {};
    const decoded = await timed(timings, 'decode', () => this.pixels.decode(image));
    const candidates = await this.detectCandidates(decoded, timings);
    const chosen = recognisable(decoded, candidates, this.options.minFaceSizePx).slice(0, Math.min(maxFaces, this.options.maxFaces));
    const found = await this.locateFaces(decoded, chosen, timings);
    const embeddings = await timed(timings, 'embed', () => this.embedAlignedBatch(found.map((f) => f.aligned)));
    return { facesDetected: candidates.length, faces: found.map(({ face }, index) => ({ face, embedding: embeddings[index] })), timings };
  }

  /**
   * The L2-normalised embedding of an aligned face, fed as the embedder declares. With its flip
   * augmentation it is the mean of the unit embeddings of the face and its mirror image, normalised again.
   */
  async embedAligned(aligned: RgbImage): Promise<Float32Array> {
    const [embedding] = await this.embedAlignedBatch([aligned]);
    return embedding;
  }

  /** embedAligned for several faces, in order. */
  async embedAlignedBatch(aligned: readonly RgbImage[]): Promise<Float32Array[]> {
    if (aligned.length === 0) return [];
    const flip = this.embedder.preprocessing.flipAugmentation;
    const viewsPerFace = flip ? 2 : 1;
    // A face and its mirror share a run where the embedder batches (one request under Triton), except
    // that a lone face's two views go to two ONNX workers at once (runEmbedder). Batched rows equal
    // single runs exactly (docs/models.md).
    const views = aligned.flatMap((face) => (flip ? [face, mirror(face)] : [face]));
    const rows = await runEmbedder(this.backend, this.embedder, views, viewsPerFace);
    const rowsPerFace = viewsPerFace * this.embedder.dimension;
    return aligned.map((_, index) =>
      meanOfUnitRows(rows.subarray(index * rowsPerFace, (index + 1) * rowsPerFace), viewsPerFace, this.embedder.dimension),
    );
  }

  private async findFaces(decoded: DecodedImage, timings: StageTimings): Promise<FoundFace[]> {
    const best = (await this.detectCandidates(decoded, timings)).slice(0, this.options.maxFaces);
    return this.locateFaces(decoded, best, timings);
  }

  /** Detector candidates after NMS, best scores first. */
  private detectCandidates(decoded: DecodedImage, timings: StageTimings): Promise<Candidate[]> {
    return timed(timings, 'detect', () => detectFaces(this.backend, this.pixels, decoded.image));
  }

  /** Landmarks, then alignment, for each face; the faces' landmark runs go out together (one core each in the worker pool). */
  private async locateFaces(decoded: DecodedImage, candidates: readonly Candidate[], timings: StageTimings): Promise<FoundFace[]> {
    const landmarks = await timed(timings, 'landmarks', () =>
      Promise.all(candidates.map((candidate) => this.locateLandmarks(decoded.image, candidate.box))),
    );
    const aligned = await timed(timings, 'align', () => Promise.all(landmarks.map((points) => this.pixels.alignFace(decoded.image, points))));
    return candidates.map((candidate, index) => ({
      face: this.describe(decoded, candidate, landmarks[index], aligned[index]),
      aligned: aligned[index],
    }));
  }

  /** The five alignment points of the face in `box`. Protected so bench:accuracy can try other placements. */
  protected async locateLandmarks(image: RgbImage, box: Box): Promise<Point[]> {
    if (this.options.onetAlignment) return this.onetLandmarks(image, box);
    return fivePointsFrom68(await this.landmarksInCrop(image, landmarkCropFor(box, image.width, image.height)));
  }

  protected async landmarksInCrop(image: RgbImage, crop: Box): Promise<Point[]> {
    const grey = toGrey(cropResize(image, crop, LANDMARK_INPUT_SIZE, LANDMARK_INPUT_SIZE));
    const run = async (input: Float32Array) =>
      (
        await this.backend.infer(FACE_MODELS.landmarks, {
          input: { data: landmarkInput(input), dims: [1, 1, LANDMARK_INPUT_SIZE, LANDMARK_INPUT_SIZE] },
        })
      ).output.data;
    if (!this.options.landmarkFlip) return decodeLandmarks(await run(grey), crop);
    const [plain, mirrored] = await Promise.all([run(grey), run(mirrorGrey(grey, LANDMARK_INPUT_SIZE))]);
    return decodeLandmarks(averageWithMirrored(plain, mirrored), crop);
  }

  /** O-Net on the squared detector box, then again on the box its regression gives; the second run's points. */
  private async onetLandmarks(image: RgbImage, box: Box): Promise<Point[]> {
    const run = async (crop: Box): Promise<OnetOutput> => {
      const input = await this.pixels.onetTensor(image, crop);
      const outputs = await this.backend.infer(
        FACE_MODELS.landmarks5,
        { input: { data: input, dims: [1, ONET_INPUT_SIZE, ONET_INPUT_SIZE, 3] } },
        { handOverInputs: true },
      );
      return { boxRegression: outputs.box_regression.data, landmarks: outputs.landmarks.data };
    };
    const firstCrop = squareBox(box);
    const secondCrop = refinedOnetCrop(firstCrop, await run(firstCrop));
    return decodeOnetLandmarks((await run(secondCrop)).landmarks, secondCrop);
  }

  private describe(decoded: DecodedImage, candidate: Candidate, landmarks: Point[], aligned: RgbImage): DetectedFace {
    const { scale, originalWidth, originalHeight } = decoded;
    const x = clampInt(candidate.box.x * scale, 0, originalWidth - 1);
    const y = clampInt(candidate.box.y * scale, 0, originalHeight - 1);
    const box = {
      x,
      y,
      width: clampInt((candidate.box.x + candidate.box.width) * scale, x + 1, originalWidth) - x,
      height: clampInt((candidate.box.y + candidate.box.height) * scale, y + 1, originalHeight) - y,
    };
    const faceSizePx = Math.round(Math.max(candidate.box.width, candidate.box.height) * scale);
    const original = landmarks.map(([px, py]) => [roundTo((px + 0.5) * scale - 0.5, 2), roundTo((py + 0.5) * scale - 0.5, 2)] as Point);
    const sharpness = laplacianVariance(toGrey(aligned), aligned.width, aligned.height);
    const quality = faceQuality({ detectionScore: candidate.score, faceSizePx, sharpness, landmarks });
    return { box, score: roundTo(candidate.score, 4), landmarks: original, quality, faceSizePx };
  }
}

async function timed<T>(timings: StageTimings, stage: keyof StageTimings, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[stage] = (timings[stage] ?? 0) + performance.now() - start;
  }
}

/** The candidates worth embedding, most prominent first; 601 when there is none, 603 when all are too small. */
function recognisable(decoded: DecodedImage, candidates: readonly Candidate[], minFaceSizePx: number): Candidate[] {
  if (candidates.length === 0) throw ApiError.faceNotDetected();
  const ranked = embeddableByProminence(candidates, decoded.image.width, decoded.image.height, minFaceSizePx);
  if (ranked.length === 0) throw ApiError.facesTooSmall(minFaceSizePx);
  return ranked;
}

const clampInt = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));
