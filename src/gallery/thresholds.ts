import type { AppConfig } from '../config/app-config.js';

/** Cosine similarity for a match with face_embedder (MobileFaceNet 512-D + flip), chosen by `npm run bench:accuracy`: FRR 4.81%, FAR 1.95% on LFW dev 1:N. */
export const DEFAULT_MATCH_THRESHOLD = 0.48;

/** The similarities the gallery decides with; the defaults belong to the shipped embedder. */
export interface MatchThresholds {
  /** 1:N: a probe is this person when their best face reaches it. */
  readonly match: number;
}

export function matchThresholds(config: Pick<AppConfig, 'matchThresholdOverride'>): MatchThresholds {
  return { match: config.matchThresholdOverride ?? DEFAULT_MATCH_THRESHOLD };
}
