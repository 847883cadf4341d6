-- The gallery knows its model: every stored vector names the embedder that made it, one row per
-- embedder identity (docs/models.md, "Bring your own embedder"). The id is the sha256 of the
-- identity (src/inference/embedder-contract.ts, embedderId), so every replica derives it alike.
-- The vector columns' dimension is the embedder's: set at start while the gallery is empty
-- (src/gallery/gallery-embedder.ts), not here.
CREATE TABLE "embedders" (
    "id" VARCHAR(64) NOT NULL,
    "model" VARCHAR(200) NOT NULL,
    "output_sha256" VARCHAR(64) NOT NULL,
    "dimension" INTEGER NOT NULL,
    "preprocessing" JSONB NOT NULL,
    "first_used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "embedders_pkey" PRIMARY KEY ("id")
);

-- Vectors stored before this migration were all made by the shipped embedder (face_embedder, the
-- only one the code could run, at 512 dimensions), fed as its config.pbtxt now declares: label them
-- so. A test checks that this id is the one the service computes for that embedder.
INSERT INTO "embedders" ("id", "model", "output_sha256", "dimension", "preprocessing")
SELECT '34f5cfcb5b1225cc6d9ff453d5abd51698e527c4f0f3a8384718f4724dc4cddd', 'face_embedder',
       'beb70cbd2970379a09874e130c662efd88e509b10ad125b12baad4a2d0c751e3', 512,
       '{"colourOrder": "BGR", "mean": [127, 127, 127], "std": [128, 128, 128], "layout": "NCHW", "templateSize": 112, "flipAugmentation": true}'
WHERE EXISTS (SELECT 1 FROM "faces") OR EXISTS (SELECT 1 FROM "vectors_cache");

-- A constant default fills existing rows without rewriting the table; new rows always name theirs.
ALTER TABLE "faces" ADD COLUMN "embedder_id" VARCHAR(64) NOT NULL DEFAULT '34f5cfcb5b1225cc6d9ff453d5abd51698e527c4f0f3a8384718f4724dc4cddd';
ALTER TABLE "faces" ALTER COLUMN "embedder_id" DROP DEFAULT;
ALTER TABLE "faces" ADD CONSTRAINT "faces_embedder_id_fkey" FOREIGN KEY ("embedder_id") REFERENCES "embedders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- The start-up check asks "does any face of another embedder exist?": an index probe, not a scan.
CREATE INDEX "faces_embedder_id_idx" ON "faces"("embedder_id");

ALTER TABLE "vectors_cache" ADD COLUMN "embedder_id" VARCHAR(64) NOT NULL DEFAULT '34f5cfcb5b1225cc6d9ff453d5abd51698e527c4f0f3a8384718f4724dc4cddd';
ALTER TABLE "vectors_cache" ALTER COLUMN "embedder_id" DROP DEFAULT;
ALTER TABLE "vectors_cache" ADD CONSTRAINT "vectors_cache_embedder_id_fkey" FOREIGN KEY ("embedder_id") REFERENCES "embedders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "vectors_cache_embedder_id_idx" ON "vectors_cache"("embedder_id");
