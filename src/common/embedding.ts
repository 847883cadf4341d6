/**
 * pgvector's text form, `[x1,x2,...]`, for binding an embedding as `$n::vector`. `dimension` is the
 * configured embedder's (EmbedderContract.dimension), which the vector columns declare too.
 */
export function toVectorLiteral(embedding: ArrayLike<number>, dimension: number): string {
  if (embedding.length !== dimension) {
    throw new Error(`Embedding has ${embedding.length} dimensions, expected ${dimension}`);
  }
  const parts = new Array<string>(embedding.length);
  for (let i = 0; i < embedding.length; i++) {
    const value = embedding[i];
    if (!Number.isFinite(value)) throw new Error('Embedding contains a non-finite value');
    parts[i] = String(value);
  }
  return `[${parts.join(',')}]`;
}

export function fromVectorLiteral(text: string, dimension: number): Float32Array {
  const values = text.slice(1, -1).split(',').map(Number);
  if (values.length !== dimension) {
    throw new Error(`Stored vector has ${values.length} dimensions, expected ${dimension}`);
  }
  return Float32Array.from(values);
}
