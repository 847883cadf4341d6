import { EmbedderContract, type EmbedderPreprocessing, readEmbedderContract } from '../../src/inference/embedder-contract.js';
import { FACE_MODELS } from '../../src/inference/model-repository.js';
import { modelRepository } from './face-fixtures.js';

/** The shipped embedder, as the service reads it from the built model repository. */
export function shippedEmbedder(): EmbedderContract {
  return readEmbedderContract(modelRepository, FACE_MODELS.embedder);
}

/** The second embedder models:build writes (256-D), which EMBEDDER_MODEL selects. */
export const SECOND_EMBEDDER = 'face_embedder_256';

/**
 * The shipped embedder's declared preprocessing (model_repository/face_embedder/config.pbtxt), written
 * out here rather than taken from tools/models/model-specs.mjs, so tests check the build against it.
 */
export const SHIPPED_PREPROCESSING: EmbedderPreprocessing = {
  colourOrder: 'BGR',
  mean: [127, 127, 127],
  std: [128, 128, 128],
  layout: 'NCHW',
  templateSize: 112,
  flipAugmentation: true,
};

/**
 * An embedder that never runs, for repository tests: it only gives stored vectors their dimension and
 * an identity. Different `weights` give different identities.
 */
export function syntheticEmbedder(dimension = 512, weights = 'a'): EmbedderContract {
  return new EmbedderContract(
    `synthetic_${dimension}_${weights}`,
    'input',
    'output',
    16,
    dimension,
    weights.repeat(64).slice(0, 64),
    SHIPPED_PREPROCESSING,
  );
}

/**
 * What an operator sets to serve the second embedder: its folder and its own thresholds, as
 * `npm run bench:accuracy -- --embedder face_embedder_256` suggests them (docs/models.md).
 */
export const SECOND_EMBEDDER_ENV = {
  EMBEDDER_MODEL: SECOND_EMBEDDER,
  MATCH_THRESHOLD: '0.51',
  DUPLICATE_FACE_THRESHOLD: '0.61',
  VERIFY_THRESHOLD: '0.33',
} as const;
