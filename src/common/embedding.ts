/**
 * Length of every face vector the service stores and searches. It follows from the embedder
 * (MobileFaceNet, 512-D) and must equal the `vector(512)` columns of prisma/migrations;
 * a unit test checks that they agree.
 */
export const EMBEDDING_DIMENSION = 512;

/** pgvector's text form, `[x1,x2,...]`, for binding an embedding as `$n::vector`. */
export function toVectorLiteral(embedding: ArrayLike<number>): string {
  if (embedding.length !== EMBEDDING_DIMENSION) {
    throw new Error(`Embedding has ${embedding.length} dimensions, expected ${EMBEDDING_DIMENSION}`);
  }
  const parts = new Array<string>(embedding.length);
  for (let i = 0; i < embedding.length; i++) {
    const value = embedding[i];
    if (!Number.isFinite(value)) throw new Error('Embedding contains a non-finite value');
    parts[i] = String(value);
  }
  return `[${parts.join(',')}]`;
}

export function fromVectorLiteral(text: string): Float32Array {
  const values = text.slice(1, -1).split(',').map(Number);
  if (values.length !== EMBEDDING_DIMENSION) {
    throw new Error(`Stored vector has ${values.length} dimensions, expected ${EMBEDDING_DIMENSION}`);
  }
  return Float32Array.from(values);
}
