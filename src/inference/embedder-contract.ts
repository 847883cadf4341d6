import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ModelConfig, modelPaths, readModelConfig, readModelManifest } from './model-repository.js';

/**
 * How the pipeline turns an aligned face into the embedder's input tensor, as the embedder declares
 * it in its config.pbtxt `parameters` (docs/models.md, "Bring your own embedder").
 */
export interface EmbedderPreprocessing {
  readonly colourOrder: 'RGB' | 'BGR';
  /** Subtracted from each 0..255 value, per channel in the order the model takes them. */
  readonly mean: readonly [number, number, number];
  /** The difference is then divided by this, per channel in the same order. */
  readonly std: readonly [number, number, number];
  readonly layout: 'NCHW' | 'NHWC';
  /** Side of the aligned square crop; the ArcFace 5-point template is defined at 112. */
  readonly templateSize: number;
  /** Embed the face and its mirror image and keep the normalised mean of the two unit vectors. */
  readonly flipAugmentation: boolean;
}

/** The config.pbtxt parameter keys an embedder declares; tools/models/triton-config.mjs writes the same. */
export const EMBEDDER_PARAMETERS = {
  colourOrder: 'face_matrix.colour_order',
  mean: 'face_matrix.mean',
  std: 'face_matrix.std',
  layout: 'face_matrix.layout',
  templateSize: 'face_matrix.template_size',
  flipAugmentation: 'face_matrix.flip_augmentation',
} as const;

/** The only template the alignment has (src/faces/alignment.ts). */
export const SUPPORTED_TEMPLATE_SIZE = 112;
/** pgvector indexes `vector` columns of up to 2,000 dimensions with HNSW. */
export const MAX_EMBEDDING_DIMENSION = 2000;

/** An embedder as the gallery records it: one row of the `embedders` table. */
export interface EmbedderRecord {
  /** sha256 of everything below but the model's name: equal ids, interchangeable vectors. */
  readonly id: string;
  readonly model: string;
  readonly outputSha256: string;
  readonly dimension: number;
  readonly preprocessing: EmbedderPreprocessing;
}

export class EmbedderDeclarationError extends Error {
  override readonly name = 'EmbedderDeclarationError';
}

const PREFIX = 'face_matrix.';

function numbers(text: string): number[] {
  return text.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
}

/** Three per-channel values from "v" or "v1,v2,v3"; undefined when the text is neither. */
function perChannel(text: string, valid: (value: number) => boolean): [number, number, number] | undefined {
  const values = numbers(text);
  if (!values.every((value) => Number.isFinite(value) && valid(value))) return undefined;
  if (values.length === 1) return [values[0], values[0], values[0]];
  return values.length === 3 ? [values[0], values[1], values[2]] : undefined;
}

/**
 * Reads and validates the preprocessing an embedder declares. Every key is required and every
 * problem is named at once, so a bad declaration is fixed in one go.
 */
export function parseEmbedderPreprocessing(parameters: Readonly<Record<string, string>>): EmbedderPreprocessing {
  const problems: string[] = [];
  const known = new Set<string>(Object.values(EMBEDDER_PARAMETERS));
  for (const key of Object.keys(parameters)) {
    if (key.startsWith(PREFIX) && !known.has(key)) problems.push(`unknown parameter "${key}"`);
  }
  const read = <T>(field: keyof typeof EMBEDDER_PARAMETERS, expected: string, parse: (text: string) => T | undefined): T => {
    const key = EMBEDDER_PARAMETERS[field];
    const text = parameters[key];
    if (text === undefined) {
      problems.push(`"${key}" is missing (${expected})`);
      return undefined as T;
    }
    const value = parse(text.trim());
    if (value === undefined) problems.push(`"${key}" is "${text}", expected ${expected}`);
    return value as T;
  };
  const oneOf =
    <T extends string>(...options: T[]) =>
    (text: string) =>
      options.find((option) => option === text.toUpperCase());
  const preprocessing: EmbedderPreprocessing = {
    colourOrder: read('colourOrder', 'RGB or BGR', oneOf('RGB', 'BGR')),
    mean: read('mean', 'one number in [0, 255] or three, comma-separated', (text) => perChannel(text, (v) => v >= 0 && v <= 255)),
    std: read('std', 'one positive number or three, comma-separated', (text) => perChannel(text, (v) => v > 0)),
    layout: read('layout', 'NCHW or NHWC', oneOf('NCHW', 'NHWC')),
    templateSize: read('templateSize', `${SUPPORTED_TEMPLATE_SIZE} (the ArcFace template's size)`, (text) =>
      Number(text) === SUPPORTED_TEMPLATE_SIZE ? SUPPORTED_TEMPLATE_SIZE : undefined,
    ),
    flipAugmentation: read('flipAugmentation', 'true or false', (text) => ({ true: true, false: false })[text.toLowerCase()]),
  };
  if (problems.length > 0) throw new EmbedderDeclarationError(problems.join('; '));
  return preprocessing;
}

/** The identity of the vectors an embedder makes; the model's folder name is a label, not part of it. */
export function embedderId(outputSha256: string, dimension: number, preprocessing: EmbedderPreprocessing): string {
  const { colourOrder, mean, std, layout, templateSize, flipAugmentation } = preprocessing;
  const canonical = JSON.stringify([outputSha256, dimension, colourOrder, mean, std, layout, templateSize, flipAugmentation]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** One line an operator can read: name, dimension, weights and how faces are fed. */
export function describeEmbedder(embedder: Omit<EmbedderRecord, 'id'>): string {
  const { colourOrder, mean, std, layout, templateSize, flipAugmentation } = embedder.preprocessing;
  const channels = (values: readonly number[]) => (values.every((value) => value === values[0]) ? String(values[0]) : values.join(','));
  return (
    `"${embedder.model}" (${embedder.dimension}-D, model.onnx sha256 ${embedder.outputSha256.slice(0, 12)}…, ` +
    `${colourOrder} (x-${channels(mean)})/${channels(std)} ${layout} ${templateSize}x${templateSize}, flip ${flipAugmentation ? 'on' : 'off'})`
  );
}

/**
 * The configured embedder: which model runs, its tensors, the dimension of its vectors and how it
 * is fed. Read from the model repository at start (readEmbedderContract); a bad declaration stops the start.
 */
export class EmbedderContract implements EmbedderRecord {
  readonly id: string;

  constructor(
    readonly model: string,
    readonly inputName: string,
    readonly outputName: string,
    /** Triton's max_batch_size: 0 means the graph takes one face per run. */
    readonly maxBatchSize: number,
    readonly dimension: number,
    readonly outputSha256: string,
    readonly preprocessing: EmbedderPreprocessing,
  ) {
    this.id = embedderId(outputSha256, dimension, preprocessing);
  }

  /** The input tensor's shape for `faces` crops in one run. */
  inputDims(faces: number): number[] {
    const size = this.preprocessing.templateSize;
    return this.preprocessing.layout === 'NCHW' ? [faces, 3, size, size] : [faces, size, size, 3];
  }

  /** Faces per run: the batch the model takes. */
  get facesPerRun(): number {
    return this.maxBatchSize > 0 ? this.maxBatchSize : 1;
  }

  describe(): string {
    return describeEmbedder(this);
  }

  /** The same model fed another way (bench:accuracy's variants): another identity. */
  withPreprocessing(changes: Partial<EmbedderPreprocessing>): EmbedderContract {
    const { model, inputName, outputName, maxBatchSize, dimension, outputSha256 } = this;
    return new EmbedderContract(model, inputName, outputName, maxBatchSize, dimension, outputSha256, { ...this.preprocessing, ...changes });
  }
}

/** Checks that an embedder's config.pbtxt declares one FP32 image in and one vector out, as its preprocessing says. */
export function embedderContractFrom(config: ModelConfig, outputSha256: string): EmbedderContract {
  const problems: string[] = [];
  let preprocessing: EmbedderPreprocessing | undefined;
  try {
    preprocessing = parseEmbedderPreprocessing(config.parameters);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (config.inputs.length !== 1 || config.outputs.length !== 1) {
    problems.push(`it must have one input and one output (has ${config.inputs.length} and ${config.outputs.length})`);
  }
  const [input, output] = [config.inputs[0], config.outputs[0]];
  for (const tensor of [input, output]) {
    if (tensor && tensor.dataType !== 'TYPE_FP32') problems.push(`tensor "${tensor.name}" is ${tensor.dataType}, expected TYPE_FP32`);
  }
  // With max_batch_size 0 the dims carry the batch, which must then be 1 (or -1).
  const unbatched = (dims: readonly number[]) => (config.maxBatchSize > 0 ? dims : dims[0] === 1 || dims[0] === -1 ? dims.slice(1) : undefined);
  if (input && preprocessing) {
    const size = preprocessing.templateSize;
    const expected = preprocessing.layout === 'NCHW' ? [3, size, size] : [size, size, 3];
    if (unbatched(input.dims)?.join() !== expected.join()) {
      problems.push(
        `input "${input.name}" has dims [${input.dims.join(', ')}], expected [${expected.join(', ')}] for ${preprocessing.layout}${config.maxBatchSize > 0 ? '' : ' after a batch of 1'}`,
      );
    }
  }
  const vector = output ? unbatched(output.dims) : undefined;
  const dimension = vector?.length === 1 ? vector[0] : Number.NaN;
  if (output && !(Number.isInteger(dimension) && dimension >= 1 && dimension <= MAX_EMBEDDING_DIMENSION)) {
    problems.push(
      `output "${output.name}" has dims [${output.dims.join(', ')}], expected one vector of 1 to ${MAX_EMBEDDING_DIMENSION} values (pgvector's HNSW limit)`,
    );
  }
  if (problems.length > 0 || !preprocessing) {
    throw new EmbedderDeclarationError(
      `Embedder "${config.name}" cannot be used: ${problems.join('; ')}. See docs/models.md, "Bring your own embedder"`,
    );
  }
  return new EmbedderContract(config.name, input.name, output.name, config.maxBatchSize, dimension, outputSha256, preprocessing);
}

/**
 * The sha256 of the embedder's model.onnx: hashed from the file when it is there (and then it must
 * agree with manifest.json, if any), else as manifest.json records it (a Triton-only repository).
 */
export function embedderOutputSha256(repository: string, model: string): string {
  const paths = modelPaths(repository, model);
  const recorded = existsSync(paths.manifest) ? readModelManifest(repository, model).output?.sha256 : undefined;
  if (existsSync(paths.onnx)) {
    const actual = createHash('sha256').update(readFileSync(paths.onnx)).digest('hex');
    if (recorded !== undefined && recorded !== actual) {
      throw new EmbedderDeclarationError(
        `Embedder "${model}": ${paths.onnx} has sha256 ${actual}, but ${paths.manifest} records ${recorded}. Rebuild it (\`npm run models:build\`) or, for your own model, remove the manifest`,
      );
    }
    return actual;
  }
  if (recorded === undefined)
    throw new EmbedderDeclarationError(`Embedder "${model}": neither ${paths.onnx} nor a manifest.json recording its sha256 is in ${repository}`);
  return recorded;
}

/** The embedder EMBEDDER_MODEL names in MODEL_REPOSITORY, read and validated. */
export function readEmbedderContract(repository: string, model: string): EmbedderContract {
  return embedderContractFrom(readModelConfig(repository, model), embedderOutputSha256(repository, model));
}
