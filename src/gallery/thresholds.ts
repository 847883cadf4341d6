import type { AppConfig } from '../config/app-config.js';
import { InvalidEnvironmentError } from '../config/environment.js';

/**
 * The shipped embedder's thresholds (cosine similarity), chosen by `npm run bench:accuracy` on LFW dev
 * (docs/models.md). Chosen and measured on the same split, so the figures are optimistic.
 */
export const DEFAULT_THRESHOLDS = {
  /** 1:N: FAR about 1.5% on dev (FRR 5.32%, FAR 1.54% at 0.49). */
  match: 0.49,
  /** Distinct dev people almost never collide at or above it (bench:accuracy's enrollment replay). */
  duplicate: 0.6,
  /** 1:1, from the View-1 pairs ROC (bench:accuracy). */
  verify: 0.3,
} as const;

/** The similarities the gallery decides with. */
export interface MatchThresholds {
  /** 1:N: a probe is this person when their best face reaches it. */
  readonly match: number;
  /** At or above it, a face is already this person's: enrolling it as someone else is refused; below it a match may still enroll ("not me"). */
  readonly duplicate: number;
  /** 1:1 (/verify): one comparison against one claimed person. */
  readonly verify: number;
}

export function matchThresholds(
  config: Pick<AppConfig, 'matchThresholdOverride' | 'duplicateThresholdOverride' | 'verifyThresholdOverride'>,
): MatchThresholds {
  const thresholds = {
    match: config.matchThresholdOverride ?? DEFAULT_THRESHOLDS.match,
    duplicate: config.duplicateThresholdOverride ?? DEFAULT_THRESHOLDS.duplicate,
    verify: config.verifyThresholdOverride ?? DEFAULT_THRESHOLDS.verify,
  };
  // Below the match threshold a face gets an enrollment key; a duplicate rule stricter than that
  // would then refuse the very key it handed out.
  if (thresholds.duplicate < thresholds.match) {
    throw new InvalidEnvironmentError(
      `Invalid configuration:\n  DUPLICATE_FACE_THRESHOLD=${thresholds.duplicate} is below MATCH_THRESHOLD=${thresholds.match}: a face that matches no one could not enroll. Set it at or above the match threshold.`,
    );
  }
  return thresholds;
}
