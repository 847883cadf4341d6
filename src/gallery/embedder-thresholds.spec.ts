import path from 'node:path';
import { projectRoot } from '../common/paths.js';
import { readMigrations } from '../database/migrations.js';
import { embedderContractFrom, embedderId, EmbedderPreprocessing } from '../inference/embedder-contract.js';
import { parseModelConfig } from '../inference/model-repository.js';
import { builtSha256, MODEL_SPECS } from '../../tools/models/model-specs.mjs';
import { renderTritonConfig } from '../../tools/models/triton-config.mjs';
import { requireThresholdsFor, SHIPPED_EMBEDDER_ID } from './embedder-thresholds.js';

/** An embedder as models:build writes it, read the way the service reads it. */
const built = (name: string) => {
  const spec = MODEL_SPECS.find((entry) => entry.name === name)!;
  return embedderContractFrom(parseModelConfig(renderTritonConfig(spec)), builtSha256(spec));
};
const unset = { matchThresholdOverride: undefined, duplicateThresholdOverride: undefined, verifyThresholdOverride: undefined };

describe('the shipped embedder identity', () => {
  it('is the identity of face_embedder as models:build writes it', () => {
    expect(built('face_embedder').id).toBe(SHIPPED_EMBEDDER_ID);
    expect(built('face_embedder_256').id).not.toBe(SHIPPED_EMBEDDER_ID);
  });

  it('is what the migration labels older vectors with, and the row it writes is that embedder', async () => {
    const migrations = await readMigrations(path.join(projectRoot(), 'prisma', 'migrations'));
    const sql = migrations.find((migration) => migration.name.endsWith('_gallery_embedder'))!.sql;
    expect(new Set(sql.match(/'[0-9a-f]{64}'/g))).toEqual(
      new Set([`'${SHIPPED_EMBEDDER_ID}'`, `'${builtSha256(MODEL_SPECS.find((s) => s.name === 'face_embedder')!)}'`]),
    );
    const row = /SELECT '([0-9a-f]{64})', '(\w+)',\s+'([0-9a-f]{64})', (\d+),\s+'(\{[^']*\})'/.exec(sql)!;
    const [, id, model, outputSha256, dimension, preprocessing] = row;
    expect(model).toBe('face_embedder');
    expect(JSON.parse(preprocessing)).toEqual(built('face_embedder').preprocessing);
    expect(embedderId(outputSha256, Number(dimension), JSON.parse(preprocessing) as EmbedderPreprocessing)).toBe(id);
  });
});

describe('requireThresholdsFor', () => {
  it('lets the shipped embedder run on its default thresholds', () => {
    expect(() => requireThresholdsFor(built('face_embedder'), unset)).not.toThrow();
  });

  it('refuses another embedder without its own thresholds, naming the missing ones and how to choose them', () => {
    const other = built('face_embedder_256');
    expect(() => requireThresholdsFor(other, unset)).toThrow(
      /EMBEDDER_MODEL=face_embedder_256: .*Set MATCH_THRESHOLD, DUPLICATE_FACE_THRESHOLD, VERIFY_THRESHOLD .*bench:accuracy -- --embedder face_embedder_256/,
    );
    expect(() => requireThresholdsFor(other, { ...unset, matchThresholdOverride: 0.5, verifyThresholdOverride: 0.3 })).toThrow(
      /Set DUPLICATE_FACE_THRESHOLD from/,
    );
    expect(() =>
      requireThresholdsFor(other, { matchThresholdOverride: 0.5, duplicateThresholdOverride: 0.6, verifyThresholdOverride: 0.3 }),
    ).not.toThrow();
  });
});
