-- Face Matrix initial schema. The vector dimension (512) must equal EMBEDDING_DIMENSION
-- in src/common/embedding.ts; a test checks that they agree.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "birthdate" DATE NOT NULL,
    "email" VARCHAR(320),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "users_created_at_id_idx" ON "users"("created_at", "id");

CREATE TABLE "faces" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "embedding" vector(512) NOT NULL,
    "detection_score" REAL NOT NULL,
    "box" JSONB NOT NULL,
    "quality" REAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "faces_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "faces_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "faces_user_id_idx" ON "faces"("user_id");
-- Cosine HNSW: the k-NN query orders by `embedding <=> $1`, which this index serves.
CREATE INDEX "faces_embedding_hnsw_idx" ON "faces" USING hnsw ("embedding" vector_cosine_ops);

CREATE TABLE "vectors_cache" (
    "key" VARCHAR(64) NOT NULL,
    "embedding" vector(512) NOT NULL,
    "metadata" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "vectors_cache_pkey" PRIMARY KEY ("key")
);
CREATE INDEX "vectors_cache_expires_at_idx" ON "vectors_cache"("expires_at");
