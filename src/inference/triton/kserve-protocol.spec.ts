import { kserveServiceDefinition } from './kserve-protocol.js';

/*
 * Pins the wire format to the published KServe v2 / Triton field numbers: a renumbered field in
 * grpc_service.proto would still round-trip between our own client and test server, but Triton
 * would read it as another field. Tag byte = field number << 3 | wire type (2 = length-delimited).
 */
describe('grpc_service.proto wire format', () => {
  const service = kserveServiceDefinition();

  it('puts model_name in field 1, inputs in 5, outputs in 6 and raw_input_contents in 7', () => {
    const bytes = service.ModelInfer.requestSerialize({
      model_name: 'm',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1] }],
      outputs: [{ name: 'y' }],
      raw_input_contents: [Buffer.from([0xab])],
    });
    expect([...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ')).toBe(
      [
        '0a 01 6d', // 1 model_name "m"
        '2a 0c 0a 01 78 12 04 46 50 33 32 1a 01 01', // 5 inputs { 1 name "x", 2 datatype "FP32", 3 shape [1] packed }
        '32 03 0a 01 79', // 6 outputs { 1 name "y" }
        '3a 01 ab', // 7 raw_input_contents
      ].join(' '),
    );
  });

  it('reads outputs from field 5 and raw_output_contents from field 6 of the response', () => {
    const response = service.ModelInfer.responseDeserialize(
      Buffer.from([0x0a, 0x01, 0x6d, 0x2a, 0x05, 0x0a, 0x01, 0x79, 0x1a, 0x00, 0x32, 0x02, 0x01, 0x02]),
    ) as { model_name: string; outputs: { name: string }[]; raw_output_contents: Buffer[] };
    expect(response.model_name).toBe('m');
    expect(response.outputs.map((output) => output.name)).toEqual(['y']);
    expect([...response.raw_output_contents[0]]).toEqual([1, 2]);
  });

  it('answers readiness in field 1 and asks it by name (1) and version (2)', () => {
    expect([...service.ModelReady.requestSerialize({ name: 'a', version: '1' })]).toEqual([0x0a, 0x01, 0x61, 0x12, 0x01, 0x31]);
    expect(service.ServerReady.responseDeserialize(Buffer.from([0x08, 0x01]))).toMatchObject({ ready: true });
  });
});
