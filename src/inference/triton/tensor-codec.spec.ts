import {
  decodeTensor,
  decodeTensorMap,
  encodeTensor,
  encodeTensorMap,
  float32ToLittleEndianBytes,
  littleEndianBytesToFloat32,
  TensorCodecError,
  withBatchDimension,
  withoutBatchDimension,
} from './tensor-codec.js';

describe('tensor codec', () => {
  it('writes FP32 little-endian, as the protocol fixes it regardless of the host', () => {
    const bytes = float32ToLittleEndianBytes(Float32Array.of(1, -2.5));
    // IEEE-754: 1.0 = 0x3F800000, -2.5 = 0xC0200000, least significant byte first.
    expect([...bytes]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]);
  });

  it('reads bytes at an unaligned offset, as gRPC hands out slices of a larger buffer', () => {
    const backing = Buffer.alloc(9);
    backing.writeFloatLE(3.25, 1);
    backing.writeFloatLE(-0.5, 5);
    expect([...littleEndianBytesToFloat32(backing.subarray(1))]).toEqual([3.25, -0.5]);
  });

  it('refuses raw contents that are not whole floats', () => {
    expect(() => littleEndianBytesToFloat32(Buffer.alloc(6))).toThrow(TensorCodecError);
  });

  it('copies the data, so that reusing the caller array cannot change bytes in flight', () => {
    const data = Float32Array.of(1, 2);
    const { raw } = encodeTensor('x', { data, dims: [2] });
    data[0] = 99;
    expect([...littleEndianBytesToFloat32(raw)]).toEqual([1, 2]);
  });

  it('round-trips a row-major tensor with its shape', () => {
    const tensor = { data: Float32Array.from({ length: 6 }, (_, i) => i / 7), dims: [2, 3] };
    const { header, raw } = encodeTensor('scores', tensor);
    expect(header).toEqual({ name: 'scores', datatype: 'FP32', shape: [2, 3] });
    const back = decodeTensor(header, raw);
    expect(back.dims).toEqual([2, 3]);
    expect(back.data).toEqual(tensor.data);
  });

  it('refuses a tensor whose data does not fill its dims', () => {
    expect(() => encodeTensor('x', { data: new Float32Array(5), dims: [2, 3] })).toThrow(/5 values but dims \[2, 3\]/);
    expect(() => decodeTensor({ name: 'y', datatype: 'FP32', shape: [4] }, Buffer.alloc(8))).toThrow(/2 values but shape \[4\]/);
  });

  it('refuses datatypes other than FP32 and negative dims', () => {
    expect(() => decodeTensor({ name: 'ids', datatype: 'INT64', shape: [1] }, Buffer.alloc(8))).toThrow(/only FP32/);
    expect(() => encodeTensor('x', { data: new Float32Array(0), dims: [-1, 3] })).toThrow(/invalid dims/);
  });

  it('falls back to typed fp32_contents when a server sends no raw bytes', () => {
    const tensor = decodeTensor({ name: 'y', datatype: 'FP32', shape: [2], contents: { fp32_contents: [0.5, 1.5] } }, undefined);
    expect([...tensor.data]).toEqual([0.5, 1.5]);
  });

  it('pairs headers with raw contents by position in both directions', () => {
    const map = { a: { data: Float32Array.of(1), dims: [1] }, b: { data: Float32Array.of(2, 3), dims: [1, 2] } };
    const { headers, raw } = encodeTensorMap(map);
    expect(headers.map((header) => header.name)).toEqual(['a', 'b']);
    const back = decodeTensorMap(headers, raw);
    expect([...back.b.data]).toEqual([2, 3]);
    expect(back.b.dims).toEqual([1, 2]);
    expect(() => decodeTensorMap(headers, raw.slice(1))).toThrow(/2 tensors but 1 raw/);
  });

  it('adds a batch of one and strips it again', () => {
    const batched = withBatchDimension({ data: Float32Array.of(1, 2, 3), dims: [3] });
    expect(batched.dims).toEqual([1, 3]);
    expect(withoutBatchDimension('y', batched).dims).toEqual([3]);
    expect(() => withoutBatchDimension('y', { data: new Float32Array(6), dims: [2, 3] })).toThrow(/batch of 1/);
  });
});
