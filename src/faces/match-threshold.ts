import { AppConfig } from '../config/app-config.js';

/** Cosine similarity for a match with face_embedder (MobileFaceNet 512-D + flip), chosen by `npm run bench:accuracy`: FRR 4.81%, FAR 1.95% on LFW dev 1:N. */
export const DEFAULT_MATCH_THRESHOLD = 0.48;

export function matchThreshold(config: Pick<AppConfig, 'matchThresholdOverride'>): number {
  return config.matchThresholdOverride ?? DEFAULT_MATCH_THRESHOLD;
}
