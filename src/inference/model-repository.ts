import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A tensor as config.pbtxt declares it; dims include the batch 1 when max_batch_size is 0. */
export interface TensorConfig {
  readonly name: string;
  readonly dataType: string;
  readonly dims: readonly number[];
}

/** The subset of Triton's ModelConfig that both backends rely on. */
export interface ModelConfig {
  readonly name: string;
  readonly platform: string;
  readonly maxBatchSize: number;
  readonly inputs: readonly TensorConfig[];
  readonly outputs: readonly TensorConfig[];
  readonly dynamicBatching: boolean;
}

/** What models:build records beside each model, so a reader can tell what it is serving. */
export interface ModelManifest {
  readonly model: string;
  readonly source: { package: string; version: string; file: string; sha256: string; license?: string };
  readonly output: { file: string; sha256: string };
}

/** The models the face pipeline runs, by their directory names under model_repository/. */
export const FACE_MODELS = {
  detector: 'face_detector',
  landmarks: 'face_landmarks',
  embedder: 'face_embedder',
  /** MTCNN O-Net: 5 points for alignment (FacePipelineOptions.onetAlignment). */
  landmarks5: 'face_landmarks5',
} as const;

type PbValue = string | number | PbMessage | PbValue[];
interface PbMessage {
  [field: string]: PbValue[];
}

const TOKEN = /\s*(?:#[^\n]*\n?|("(?:[^"\\]|\\.)*")|([{}[\]:,])|([A-Za-z0-9_.+-]+))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) {
      if (text.slice(start).trim() === '') break;
      throw new Error(`config.pbtxt: unexpected character at offset ${start}`);
    }
    const token = match[1] ?? match[2] ?? match[3];
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}

/**
 * Parses protobuf text format into field -> list of values (every field may repeat).
 * Enough for config.pbtxt: scalars, strings, nested messages and `[ ... ]` lists.
 */
export function parseProtoText(text: string): PbMessage {
  const tokens = tokenize(text);
  let position = 0;
  const next = (): string => {
    if (position >= tokens.length) throw new Error('config.pbtxt: unexpected end of text');
    return tokens[position++];
  };
  const parseScalar = (token: string): string | number => {
    if (token.startsWith('"')) return JSON.parse(token) as string;
    return /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(token) ? Number(token) : token;
  };
  const parseValue = (): PbValue => {
    const token = next();
    if (token === '{') return parseMessage('}');
    if (token === '[') {
      const items: PbValue[] = [];
      while (tokens[position] !== ']') {
        items.push(parseValue());
        if (tokens[position] === ',') position++;
      }
      position++;
      return items;
    }
    return parseScalar(token);
  };
  const parseMessage = (closing: string | undefined): PbMessage => {
    const message: PbMessage = {};
    while (position < tokens.length && tokens[position] !== closing) {
      const field = next();
      if (tokens[position] === ':') position++;
      const value = parseValue();
      (message[field] ??= []).push(...(Array.isArray(value) ? value : [value]));
      if (tokens[position] === ',' || tokens[position] === ';') position++;
    }
    if (closing !== undefined) {
      if (position >= tokens.length) throw new Error(`config.pbtxt: missing "${closing}"`);
      position++;
    }
    return message;
  };
  return parseMessage(undefined);
}

function single(message: PbMessage, field: string): PbValue | undefined {
  return message[field]?.[0];
}

/** A scalar field as text; a nested message or list (a malformed config) counts as absent. */
function scalarText(value: PbValue | undefined): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function toTensorConfig(value: PbValue): TensorConfig {
  const message = value as PbMessage;
  const name = single(message, 'name');
  if (typeof name !== 'string') throw new Error('config.pbtxt: a tensor has no name');
  return {
    name,
    dataType: scalarText(single(message, 'data_type')) ?? 'TYPE_INVALID',
    dims: (message.dims ?? []).map((dim) => Number(dim)),
  };
}

/** Parses a config.pbtxt into the fields the backends use. */
export function parseModelConfig(text: string): ModelConfig {
  const message = parseProtoText(text);
  const name = single(message, 'name');
  if (typeof name !== 'string') throw new Error('config.pbtxt: missing name');
  return {
    name,
    platform: scalarText(single(message, 'platform')) ?? scalarText(single(message, 'backend')) ?? '',
    maxBatchSize: Number(single(message, 'max_batch_size') ?? 0),
    inputs: (message.input ?? []).map(toTensorConfig),
    outputs: (message.output ?? []).map(toTensorConfig),
    dynamicBatching: message.dynamic_batching !== undefined,
  };
}

/** Where models:build put a model's files; version 1 is the only version it writes. */
export function modelPaths(repository: string, model: string) {
  const directory = join(repository, model);
  return {
    config: join(directory, 'config.pbtxt'),
    manifest: join(directory, 'manifest.json'),
    onnx: join(directory, '1', 'model.onnx'),
  };
}

/** Reads one model's config.pbtxt; the message names the fix when the repository was never built. */
export function readModelConfig(repository: string, model: string): ModelConfig {
  const { config } = modelPaths(repository, model);
  let text: string;
  try {
    text = readFileSync(config, 'utf8');
  } catch {
    throw new Error(`Model "${model}" is missing from ${repository}: run \`npm run models:build\``);
  }
  const parsed = parseModelConfig(text);
  if (parsed.name !== model) throw new Error(`${config} names model "${parsed.name}", expected "${model}"`);
  return parsed;
}

export function readModelManifest(repository: string, model: string): ModelManifest {
  return JSON.parse(readFileSync(modelPaths(repository, model).manifest, 'utf8')) as ModelManifest;
}
