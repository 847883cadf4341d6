import { endianness } from 'node:os';
import type { Tensor, TensorMap } from '../inference-backend.js';
import type { InferTensorHeader } from './kserve-protocol.js';

/*
 * Tensor <-> KServe v2 raw contents. Pure: no gRPC, no I/O, so every byte rule is unit-tested.
 * The protocol fixes raw contents as row-major and little-endian; we only speak FP32.
 */

export const FP32 = 'FP32';
const BYTES_PER_FP32 = 4;
const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

export class TensorCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TensorCodecError';
  }
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

function assertValidDims(name: string, dims: readonly number[]): void {
  if (!dims.every((dim) => Number.isInteger(dim) && dim >= 0)) {
    throw new TensorCodecError(`tensor "${name}" has invalid dims [${dims.join(', ')}]`);
  }
}

export function float32ToLittleEndianBytes(data: Float32Array): Buffer {
  if (HOST_IS_LITTLE_ENDIAN) {
    // A copy, not a view: the caller may reuse its array while gRPC still holds the bytes.
    return Buffer.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  const bytes = Buffer.alloc(data.length * BYTES_PER_FP32);
  data.forEach((value, index) => bytes.writeFloatLE(value, index * BYTES_PER_FP32));
  return bytes;
}

export function littleEndianBytesToFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % BYTES_PER_FP32 !== 0) {
    throw new TensorCodecError(`raw FP32 contents of ${bytes.byteLength} bytes is not a multiple of 4`);
  }
  const count = bytes.byteLength / BYTES_PER_FP32;
  if (HOST_IS_LITTLE_ENDIAN) {
    // Copy into a fresh, 4-byte-aligned buffer: gRPC's Buffers are slices at arbitrary offsets.
    return new Float32Array(new Uint8Array(bytes).buffer, 0, count);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: count }, (_, index) => view.getFloat32(index * BYTES_PER_FP32, true));
}

/** One named tensor as a protocol header plus its raw bytes. */
export function encodeTensor(name: string, tensor: Tensor): { header: InferTensorHeader; raw: Buffer } {
  assertValidDims(name, tensor.dims);
  if (elementCount(tensor.dims) !== tensor.data.length) {
    throw new TensorCodecError(`tensor "${name}" has ${tensor.data.length} values but dims [${tensor.dims.join(', ')}]`);
  }
  return {
    header: { name, datatype: FP32, shape: [...tensor.dims] },
    raw: float32ToLittleEndianBytes(tensor.data),
  };
}

/** Reads one tensor from its header and raw bytes, or its typed fp32_contents when no raw bytes came. */
export function decodeTensor(header: InferTensorHeader, raw: Uint8Array | undefined): Tensor {
  if (header.datatype !== FP32) {
    throw new TensorCodecError(`tensor "${header.name}" is ${header.datatype}; only ${FP32} is supported`);
  }
  const dims = header.shape.map(Number);
  assertValidDims(header.name, dims);
  const data = raw !== undefined ? littleEndianBytesToFloat32(raw) : Float32Array.from(header.contents?.fp32_contents ?? []);
  if (data.length !== elementCount(dims)) {
    throw new TensorCodecError(`tensor "${header.name}" carries ${data.length} values but shape [${dims.join(', ')}]`);
  }
  return { data, dims };
}

/** Every tensor of a map, in a stable order: headers[i] goes with raw[i], as the protocol pairs them. */
export function encodeTensorMap(tensors: TensorMap): { headers: InferTensorHeader[]; raw: Buffer[] } {
  const encoded = Object.entries(tensors).map(([name, tensor]) => encodeTensor(name, tensor));
  return { headers: encoded.map((entry) => entry.header), raw: encoded.map((entry) => entry.raw) };
}

/** The inverse of encodeTensorMap; raw may be empty when the sender used typed contents. */
export function decodeTensorMap(headers: readonly InferTensorHeader[], raw: readonly Uint8Array[]): TensorMap {
  if (raw.length > 0 && raw.length !== headers.length) {
    throw new TensorCodecError(`${headers.length} tensors but ${raw.length} raw contents`);
  }
  const tensors: TensorMap = {};
  headers.forEach((header, index) => {
    tensors[header.name] = decodeTensor(header, raw.length > 0 ? raw[index] : undefined);
  });
  return tensors;
}

/**
 * For a model with max_batch_size > 0, Triton wants a leading batch dimension that the
 * config.pbtxt dims leave out. A tensor whose rank equals the config rank gets a batch of 1.
 */
export function withBatchDimension(tensor: Tensor): Tensor {
  return { data: tensor.data, dims: [1, ...tensor.dims] };
}

/** Undoes withBatchDimension on an output: the batch we sent was 1, so the answer must be too. */
export function withoutBatchDimension(name: string, tensor: Tensor): Tensor {
  if (tensor.dims.length === 0 || tensor.dims[0] !== 1) {
    throw new TensorCodecError(`output "${name}" has shape [${tensor.dims.join(', ')}]; expected a batch of 1 first`);
  }
  return { data: tensor.data, dims: tensor.dims.slice(1) };
}
