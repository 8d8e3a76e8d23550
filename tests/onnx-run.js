// SPDX-License-Identifier: GPL-3.0-or-later
//
// Runs an exported model under ONNX Runtime (npm's onnxruntime-node):
//   node onnx-run.js MODEL.onnx INPUT.f32 N K
// INPUT.f32 holds N × K little-endian float32 KPI values, row by row (NaN
// for a missing value). Prints a JSON object: the session's input and
// output names, the shape and type of each output, and their values.
'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

async function main () {
  const [model, input, nText, kText] = process.argv.slice(2);
  const n = Number(nText), k = Number(kText);
  const buf = fs.readFileSync(input);
  if (buf.length !== n * k * 4)
    throw new Error(`${input}: ${buf.length} bytes, expected ${n * k * 4}`);
  // A copy: Float32Array needs a 4-byte aligned offset, which a pooled
  // Buffer does not promise.
  const x = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const session = await ort.InferenceSession.create(model);
  const result = await session.run({ kpis: new ort.Tensor('float32', x, [n, k]) });
  const p = result.probabilities, label = result.label;
  process.stdout.write(JSON.stringify({
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    probabilities: { type: p.type, dims: p.dims, data: Array.from(p.data) },
    label: { type: label.type, dims: label.dims, data: Array.from(label.data, Number) },
  }));
}

main ().catch ((e) => {
  process.stderr.write(`onnx-run.js: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
