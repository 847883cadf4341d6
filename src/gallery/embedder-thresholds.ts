import type { AppConfig } from '../config/app-config.js';
import { InvalidEnvironmentError } from '../config/environment.js';
import type { EmbedderRecord } from '../inference/embedder-contract.js';

/**
 * The embedder DEFAULT_THRESHOLDS (thresholds.ts) were chosen for: the shipped face_embedder, by its
 * identity (EmbedderContract.id). Migration 20261216000000_gallery_embedder labels the vectors stored
 * before the gallery knew its model with the same id; a test checks both against the built repository.
 */
export const SHIPPED_EMBEDDER_ID = '34f5cfcb5b1225cc6d9ff453d5abd51698e527c4f0f3a8384718f4724dc4cddd';

/**
 * Thresholds are a property of the embedder: another one must come with its own, chosen with
 * bench:accuracy, or the service would match at a false-accept rate nobody measured. Stops the start otherwise.
 */
export function requireThresholdsFor(
  embedder: EmbedderRecord,
  config: Pick<AppConfig, 'matchThresholdOverride' | 'duplicateThresholdOverride' | 'verifyThresholdOverride'>,
): void {
  if (embedder.id === SHIPPED_EMBEDDER_ID) return;
  const missing = (
    [
      ['MATCH_THRESHOLD', config.matchThresholdOverride],
      ['DUPLICATE_FACE_THRESHOLD', config.duplicateThresholdOverride],
      ['VERIFY_THRESHOLD', config.verifyThresholdOverride],
    ] as const
  )
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length === 0) return;
  throw new InvalidEnvironmentError(
    `Invalid configuration:\n  EMBEDDER_MODEL=${embedder.model}: the default thresholds were chosen for the shipped embedder, not for this one. ` +
      `Set ${missing.join(', ')} from its own measurements (\`npm run bench:accuracy -- --embedder ${embedder.model}\`; docs/models.md, "Bring your own embedder").`,
  );
}
