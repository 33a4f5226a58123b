// Reference activations of a tfjs layers model (model.json + its weight files) for the named layers,
// computed by tfjs 4.22 with a sub-model whose outputs are those layers, on a fixed input; written
// in the corpus reference.json schema (shared/models/README.md), 8 significant digits.
// usage: node reference-of.js <model.json> <out reference.json> <tolerance> <layer name> [...]
//   tolerance: what the reference's "tolerance" field says (largest difference to another oracle)
'use strict';
const fs = require('fs');
const path = require('path');
const {quietly} = require('./test-models-io');

const tf = quietly(() => require('tfjs4'));

// the weight files of every manifest group, concatenated in manifest order (as tfjs loads them)
function readArtifacts(modelJson) {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const dir = path.dirname(modelJson);
  const specs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return {modelTopology: json.modelTopology, weightSpecs: specs, weightData};
}

// deterministic values in [-1, 1] with 4 decimals (what the Keras applications feed: scaled images)
function data(n) {
  return Array.from({length: n}, (_, i) => Math.round(Math.sin(i * 12.9898 + 1) * 10000) / 10000);
}

async function main() {
  const [modelJson, out, tolerance, ...layers] = process.argv.slice(2);
  if (!layers.length) throw new Error('usage: reference-of.js <model.json> <out> <tolerance> <layer>...');
  const model = await tf.loadLayersModel(tf.io.fromMemory(readArtifacts(modelJson)));
  if (model.inputs.length !== 1) throw new Error(modelJson + ': one input expected');
  const input = model.inputs[0];
  const probe = tf.model({inputs: input, outputs: layers.map((name) => model.getLayer(name).output)});
  const shape = [1, ...input.shape.slice(1)];
  const x = data(shape.reduce((a, b) => a * b, 1));
  let values = probe.predict(tf.tensor(x, shape));
  if (!Array.isArray(values)) values = [values];
  const reference = {
    source: 'tfjs-' + tf.version.tfjs,
    tolerance: Number(tolerance),
    inputs: [{name: model.inputLayers[0].name, shape, dtype: 'float32', data: x}],
    outputs: layers.map((layer, i) => ({
      layer, shape: values[i].shape, dtype: 'float32',
      data: Array.from(values[i].dataSync(), (v) => Number(v.toPrecision(8))),
    })),
  };
  fs.mkdirSync(path.dirname(out), {recursive: true});
  fs.writeFileSync(out, JSON.stringify(reference));
  process.stdout.write(out + ': ' + layers.length + ' layers\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
