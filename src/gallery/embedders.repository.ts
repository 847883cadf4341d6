import type { SqlRunner } from '../database/migrations.js';
import type { EmbedderPreprocessing, EmbedderRecord } from '../inference/embedder-contract.js';

/** An embedder whose vectors are in the gallery, and how many. */
export interface EmbedderInUse extends EmbedderRecord {
  readonly faces: number;
  /** Enrollment keys not yet expired. */
  readonly liveKeys: number;
  readonly lastKeyExpiresAt: Date | null;
}

interface EmbedderRow {
  id: string;
  model: string;
  output_sha256: string;
  dimension: number;
  preprocessing: EmbedderPreprocessing | string;
  faces: number;
  live_keys: number;
  last_key_expires_at: Date | string | null;
}

/** Names of the vector columns and of the index the k-NN search relies on (prisma/migrations). */
const HNSW_INDEX = 'faces_embedding_hnsw_idx';

/**
 * Every statement on the `embedders` table and on the vector columns' declared dimension. It runs at
 * start, on the migration runner's connection and inside its caller's transaction (claimGallery).
 */
export class EmbeddersRepository {
  constructor(private readonly runner: SqlRunner) {}

  /** Embedders other than `id` with faces, or enrollment keys not yet expired, in the gallery. */
  async othersInUse(id: string): Promise<EmbedderInUse[]> {
    const rows = await this.runner.query<EmbedderRow>(
      `SELECT e.id, e.model, e.output_sha256, e.dimension, e.preprocessing,
              (SELECT count(*) FROM faces f WHERE f.embedder_id = e.id)::int AS faces,
              (SELECT count(*) FROM vectors_cache c WHERE c.embedder_id = e.id AND c.expires_at > now())::int AS live_keys,
              (SELECT max(c.expires_at) FROM vectors_cache c WHERE c.embedder_id = e.id AND c.expires_at > now()) AS last_key_expires_at
       FROM embedders e
       WHERE e.id <> $1
         AND (EXISTS (SELECT 1 FROM faces f WHERE f.embedder_id = e.id)
              OR EXISTS (SELECT 1 FROM vectors_cache c WHERE c.embedder_id = e.id AND c.expires_at > now()))
       ORDER BY e.first_used_at`,
      [id],
    );
    return rows.map((row) => ({
      id: row.id,
      model: row.model,
      outputSha256: row.output_sha256,
      dimension: Number(row.dimension),
      // node-postgres parses jsonb; a runner that does not hands over its text.
      preprocessing: typeof row.preprocessing === 'string' ? (JSON.parse(row.preprocessing) as EmbedderPreprocessing) : row.preprocessing,
      faces: Number(row.faces),
      liveKeys: Number(row.live_keys),
      lastKeyExpiresAt: row.last_key_expires_at === null ? null : new Date(row.last_key_expires_at),
    }));
  }

  /** The dimension each vector column declares: pgvector keeps it as the column's type modifier. */
  async vectorColumnDimensions(): Promise<{ faces: number; vectorsCache: number }> {
    const rows = await this.runner.query<{ table: string; dimension: number }>(
      `SELECT c.relname AS table, a.atttypmod AS dimension
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE a.attrelid IN ('faces'::regclass, 'vectors_cache'::regclass) AND a.attname = 'embedding'`,
    );
    const of = (table: string) => Number(rows.find((row) => row.table === table)?.dimension ?? -1);
    return { faces: of('faces'), vectorsCache: of('vectors_cache') };
  }

  /**
   * Declares both vector columns with `dimension` and rebuilds the HNSW index (an index needs a
   * declared dimension). Only for a gallery without live vectors: expired enrollment vectors, due to
   * be purged anyway, go first, since no vector of another length can stay in a column.
   */
  async resizeVectorColumns(dimension: number): Promise<void> {
    if (!Number.isInteger(dimension) || dimension < 1) throw new Error(`Not a vector dimension: ${dimension}`);
    await this.runner.query(`DELETE FROM vectors_cache WHERE expires_at <= now()`);
    await this.runner.execScript(
      `DROP INDEX IF EXISTS "${HNSW_INDEX}";
       ALTER TABLE "faces" ALTER COLUMN "embedding" TYPE vector(${dimension});
       ALTER TABLE "vectors_cache" ALTER COLUMN "embedding" TYPE vector(${dimension});
       CREATE INDEX "${HNSW_INDEX}" ON "faces" USING hnsw ("embedding" vector_cosine_ops);`,
    );
  }

  /** Adds the embedder's row once; the first start with it sets first_used_at. */
  async record(embedder: EmbedderRecord): Promise<void> {
    await this.runner.query(
      `INSERT INTO embedders (id, model, output_sha256, dimension, preprocessing)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (id) DO NOTHING`,
      [embedder.id, embedder.model, embedder.outputSha256, embedder.dimension, JSON.stringify(embedder.preprocessing)],
    );
  }
}
