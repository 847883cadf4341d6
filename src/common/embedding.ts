/**
 * Length of every face vector the service stores and searches. It follows from the embedder
 * (MobileFaceNet, 512-D) and must equal the `vector(512)` columns of prisma/migrations;
 * a unit test checks that they agree.
 */
export const EMBEDDING_DIMENSION = 512;
