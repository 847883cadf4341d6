import { Logger } from '@nestjs/common';
import { AdvisoryLock } from '../database/advisory-locks.js';
import { DatabaseStartCheck } from '../database/database-start-check.js';
import type { SqlRunner } from '../database/migrations.js';
import { describeEmbedder, EmbedderRecord } from '../inference/embedder-contract.js';
import { EmbedderInUse, EmbeddersRepository } from './embedders.repository.js';

/** The gallery holds vectors another embedder made: comparing them with this one's would be meaningless. */
export class GalleryEmbedderMismatchError extends Error {
  override readonly name = 'GalleryEmbedderMismatchError';
}

/** What tells two embedders apart, for an operator who may think they run "the same model". */
export function embedderDifferences(stored: EmbedderRecord, configured: EmbedderRecord): string[] {
  const differences: string[] = [];
  if (stored.outputSha256 !== configured.outputSha256) differences.push('weights (model.onnx sha256)');
  if (stored.dimension !== configured.dimension) differences.push(`dimension (${stored.dimension} vs ${configured.dimension})`);
  const [a, b] = [stored.preprocessing, configured.preprocessing];
  for (const field of ['colourOrder', 'mean', 'std', 'layout', 'templateSize', 'flipAugmentation'] as const) {
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field]))
      differences.push(`${field} (${JSON.stringify(a[field])} vs ${JSON.stringify(b[field])})`);
  }
  return differences;
}

/**
 * The refusal: both embedders, what sets them apart, and the ways out. Its first line stands alone,
 * as the readiness report and the start-up log show it.
 */
export function mismatchMessage(configured: EmbedderRecord, stored: readonly EmbedderInUse[]): string {
  const first = stored[0];
  const holdings = (entry: EmbedderInUse) =>
    [
      `${entry.faces} face(s)`,
      entry.liveKeys > 0 ? `${entry.liveKeys} enrollment key(s) expiring by ${entry.lastKeyExpiresAt?.toISOString()}` : undefined,
    ]
      .filter(Boolean)
      .join(' and ');
  return [
    `The gallery holds vectors of embedder "${first.model}", not of the configured EMBEDDER_MODEL "${configured.model}": not starting.`,
    ...stored.map((entry) => `  in the gallery: ${holdings(entry)} made by ${describeEmbedder(entry)}`),
    `  configured:     ${describeEmbedder(configured)}`,
    `  they differ in: ${embedderDifferences(first, configured).join(', ') || 'nothing but the name'}`,
    'Vectors of different embedders cannot be compared. Either',
    `  - serve this gallery with its own embedder: set EMBEDDER_MODEL=${first.model} (and MODEL_REPOSITORY to where it is), or`,
    '  - give the new embedder a gallery of its own: a new DATA_DIR or DATABASE_URL, and enroll everyone again from their photos',
    '    (`npm run enroll`); or empty this one (delete every user, let the enrollment keys expire) and start again.',
    'See docs/models.md, "Changing the embedder".',
  ].join('\n');
}

/**
 * Claims the gallery for `embedder` at start, in one transaction under an advisory lock (replicas
 * starting together take turns): refuses when vectors of another embedder are stored, declares the
 * vector columns with the embedder's dimension while the gallery is empty, and records the embedder.
 * Returns whether the columns were resized.
 */
export async function claimGallery(runner: SqlRunner, embedder: EmbedderRecord): Promise<{ resized: boolean }> {
  const embedders = new EmbeddersRepository(runner);
  await runner.execScript('BEGIN');
  try {
    await runner.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.GALLERY_EMBEDDER]);
    const others = await embedders.othersInUse(embedder.id);
    if (others.length > 0) throw new GalleryEmbedderMismatchError(mismatchMessage(embedder, others));
    const declared = await embedders.vectorColumnDimensions();
    // No live vector is another embedder's, so none is of another length: the columns may change.
    const resized = declared.faces !== embedder.dimension || declared.vectorsCache !== embedder.dimension;
    if (resized) await embedders.resizeVectorColumns(embedder.dimension);
    await embedders.record(embedder);
    await runner.execScript('COMMIT');
    return { resized };
  } catch (error) {
    await runner.execScript('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The gallery's DatabaseStartCheck: claimGallery for the configured embedder, right after the migrations. */
export class GalleryEmbedderCheck extends DatabaseStartCheck {
  private readonly logger = new Logger('Gallery');

  constructor(private readonly embedder: EmbedderRecord) {
    super();
  }

  async afterMigrations(runner: SqlRunner): Promise<void> {
    const { resized } = await claimGallery(runner, this.embedder);
    if (resized) this.logger.log(`Empty gallery: vector columns declared with ${this.embedder.dimension} dimensions and the HNSW index rebuilt`);
    this.logger.log(`Gallery embedder: ${describeEmbedder(this.embedder)}`);
  }
}
