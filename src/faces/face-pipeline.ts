import sharp from 'sharp';
import { ApiError } from '../common/api-error.js';
import { Box, Point, roundTo } from '../common/geometry.js';
import type { EmbedderContract } from '../inference/embedder-contract.js';
import { InferenceBackend } from '../inference/inference-backend.js';
import { FACE_MODELS } from '../inference/model-repository.js';
import { alignFace } from './alignment.js';
import {
  averageWithMirrored,
  decodeLandmarks,
  fivePointsFrom68,
  LANDMARK_INPUT_SIZE,
  landmarkCropFor,
  landmarkInput,
  mirrorGrey,
} from './detection/landmarks.js';
import { decodeOnetLandmarks, ONET_INPUT_SIZE, onetInput, OnetOutput, refinedOnetCrop, squareBox } from './detection/onet.js';
import {
  Candidate,
  decodeDetections,
  DETECTOR_INPUT,
  DETECTOR_NMS_IOU,
  DetectionFrame,
  detectionFrames,
  nonMaximumSuppression,
  trustedInFrame,
} from './detection/ultraface.js';
import { meanOfUnitRows, runEmbedder } from './embedder-run.js';
import { faceQuality, laplacianVariance } from './face-quality.js';
import { decodeImage, DecodedImage } from './image-decoding.js';
import { cropResize, mirror, RgbImage, toGrey, toPlanarTensor } from './rgb-image.js';

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

/** How faces are found and aligned; how they are embedded is the embedder's own declaration (EmbedderContract). */
export interface FacePipelineOptions {
  /** Average the landmarks found on the face crop and on its mirror image (measured by bench:accuracy). */
  readonly landmarkFlip: boolean;
  /** Align on MTCNN O-Net's 5 points (face_landmarks5) instead of the 68-point model's: fewer wrong top-1 matches (bench:accuracy). */
  readonly onetAlignment: boolean;
  /** Detections kept per image, best scores first; bounds the cost of a crowd photo. */
  readonly maxFaces: number;
}

export const DEFAULT_FACE_PIPELINE_OPTIONS: FacePipelineOptions = {
  landmarkFlip: true,
  onetAlignment: true,
  maxFaces: 50,
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
  ) {
    this.options = { ...DEFAULT_FACE_PIPELINE_OPTIONS, ...options };
  }

  async detect(image: Buffer): Promise<DetectionResult> {
    const timings: StageTimings = {};
    const decoded = await timed(timings, 'decode', () => decodeImage(image));
    const found = await this.findFaces(decoded, timings);
    return { width: decoded.originalWidth, height: decoded.originalHeight, faces: found.map((f) => f.face), timings };
  }

  /**
   * The face a recognition request is about: the most prominent one, i.e. the largest fully visible
   * face, with faces far from the centre counting less (faceProminence). Throws 601 when there is none.
   */
  async embedLargestFace(image: Buffer): Promise<EmbeddedFace> {
    const { facesDetected, face, aligned, timings } = await this.alignLargestFace(image);
    const embedding = await timed(timings, 'embed', () => this.embedAligned(aligned));
    return { facesDetected, face, embedding, timings };
  }

  /** The most prominent face, aligned to the 112x112 ArcFace template; embedLargestFace minus the embedding. */
  async alignLargestFace(image: Buffer): Promise<{ facesDetected: number; face: DetectedFace; aligned: RgbImage; timings: StageTimings }> {
    const timings: StageTimings = {};
    const decoded = await timed(timings, 'decode', () => decodeImage(image));
    const candidates = await this.detectCandidates(decoded, timings);
    if (candidates.length === 0) throw ApiError.faceNotDetected();
    // Prominence needs the box only, so the other faces of a group photo skip landmarks and alignment.
    const { width, height } = decoded.image;
    const prominence = (candidate: Candidate) => faceProminence(candidate.box, width, height);
    const chosen = candidates.reduce((best, c) => (prominence(c) > prominence(best) ? c : best));
    const found = await this.locateFace(decoded, chosen, timings);
    return { facesDetected: candidates.length, face: found.face, aligned: found.aligned, timings };
  }

  /**
   * The L2-normalised embedding of an aligned 112x112 face, fed as the embedder declares. With its
   * flip augmentation it is the mean of the unit embeddings of the face and its mirror image, normalised again.
   */
  async embedAligned(aligned: RgbImage): Promise<Float32Array> {
    const views = this.embedder.preprocessing.flipAugmentation ? [aligned, mirror(aligned)] : [aligned];
    // One run over both views where the embedder batches (the shipped one: max_batch_size 16): it
    // measured slightly faster than two concurrent runs and is one request under Triton. The rows
    // equal single runs exactly (docs/models.md).
    const rows = await runEmbedder(this.backend, this.embedder, views);
    return meanOfUnitRows(rows, views.length, this.embedder.dimension);
  }

  private async findFaces(decoded: DecodedImage, timings: StageTimings): Promise<FoundFace[]> {
    const found: FoundFace[] = [];
    for (const candidate of await this.detectCandidates(decoded, timings)) found.push(await this.locateFace(decoded, candidate, timings));
    return found;
  }

  /** Detector candidates after NMS, best first, at most maxFaces. */
  private async detectCandidates(decoded: DecodedImage, timings: StageTimings): Promise<Candidate[]> {
    const candidates = await timed(timings, 'detect', () => this.runDetector(decoded.image));
    return candidates.slice(0, this.options.maxFaces);
  }

  private async locateFace(decoded: DecodedImage, candidate: Candidate, timings: StageTimings): Promise<FoundFace> {
    const landmarks = await timed(timings, 'landmarks', () => this.locateLandmarks(decoded.image, candidate.box));
    const aligned = await timed(timings, 'align', () => Promise.resolve(alignFace(decoded.image, landmarks)));
    return { face: this.describe(decoded, candidate, landmarks, aligned), aligned };
  }

  private async runDetector(image: RgbImage): Promise<Candidate[]> {
    // Frames run concurrently (resize in libvips, inference in ONNX Runtime, both off the event
    // loop); results are gathered in frame order, so NMS sees the same list as a sequential loop.
    const perFrame = await Promise.all(detectionFrames(image.width, image.height).map((frame) => this.detectInFrame(image, frame)));
    return nonMaximumSuppression(perFrame.flat(), DETECTOR_NMS_IOU);
  }

  private async detectInFrame(image: RgbImage, frame: DetectionFrame): Promise<Candidate[]> {
    // libvips resizes far faster than a JS loop; the detector was trained on a plain stretch to 320x240.
    const input = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .extract({ left: frame.x, top: frame.y, width: frame.width, height: frame.height })
      .resize(DETECTOR_INPUT.width, DETECTOR_INPUT.height, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    const outputs = await this.backend.infer(FACE_MODELS.detector, {
      input: {
        data: toPlanarTensor({ data: input, width: DETECTOR_INPUT.width, height: DETECTOR_INPUT.height }, false),
        dims: [1, 3, DETECTOR_INPUT.height, DETECTOR_INPUT.width],
      },
    });
    const found = decodeDetections(outputs.scores.data, outputs.boxes.data, frame);
    return found.filter((candidate) => trustedInFrame(candidate, frame, image.width, image.height));
  }

  /** The five alignment points of the face in `box`. Protected so bench:accuracy can try other placements. */
  protected async locateLandmarks(image: RgbImage, box: Box): Promise<Point[]> {
    if (this.options.onetAlignment) return this.onetLandmarks(image, box);
    return fivePointsFrom68(await this.landmarksInCrop(image, landmarkCropFor(box, image.width, image.height)));
  }

  protected async landmarksInCrop(image: RgbImage, crop: Box): Promise<Point[]> {
    const grey = toGrey(cropResize(image, crop, LANDMARK_INPUT_SIZE, LANDMARK_INPUT_SIZE));
    const run = async (input: Float32Array) =>
      (await this.backend.infer(FACE_MODELS.landmarks, { input: { data: landmarkInput(input), dims: [1, 1, LANDMARK_INPUT_SIZE, LANDMARK_INPUT_SIZE] } }))
        .output.data;
    if (!this.options.landmarkFlip) return decodeLandmarks(await run(grey), crop);
    const [plain, mirrored] = await Promise.all([run(grey), run(mirrorGrey(grey, LANDMARK_INPUT_SIZE))]);
    return decodeLandmarks(averageWithMirrored(plain, mirrored), crop);
  }

  /** O-Net on the squared detector box, then again on the box its regression gives; the second run's points. */
  private async onetLandmarks(image: RgbImage, box: Box): Promise<Point[]> {
    const run = async (crop: Box): Promise<OnetOutput> => {
      const input = onetInput(cropResize(image, crop, ONET_INPUT_SIZE, ONET_INPUT_SIZE));
      const outputs = await this.backend.infer(FACE_MODELS.landmarks5, { input: { data: input, dims: [1, ONET_INPUT_SIZE, ONET_INPUT_SIZE, 3] } });
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

/**
 * Which face a photo is about. insightface's rule (box area minus twice the squared distance of the
 * box centre from the image centre), with the area counted as visible area times the visible fraction:
 * LFW-like photos often hold a bystander cut by the edge whose box is as big as the subject's.
 * Measured by bench:accuracy on the 1:N protocol against plain "largest box".
 */
export function faceProminence(box: Box, imageWidth: number, imageHeight: number): number {
  const visibleWidth = Math.max(0, Math.min(box.x + box.width, imageWidth) - Math.max(box.x, 0));
  const visibleHeight = Math.max(0, Math.min(box.y + box.height, imageHeight) - Math.max(box.y, 0));
  const visible = visibleWidth * visibleHeight;
  const offsetX = box.x + box.width / 2 - imageWidth / 2;
  const offsetY = box.y + box.height / 2 - imageHeight / 2;
  return (visible * visible) / (box.width * box.height) - 2 * (offsetX * offsetX + offsetY * offsetY);
}

const clampInt = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));
