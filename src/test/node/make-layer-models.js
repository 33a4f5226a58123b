// Builds one-layer models with tfjs 4.22 itself from Keras model configs that hold only the settings
// a layer is made with, gives them seeded weights, and writes each as a tfjs layers model plus the
// activations tfjs computes for its layers (reference.json, same schema as the corpus).
// LayerConfigKeysTest then swaps in the config each Keras version writes for the same layer (every
// key it writes) and checks that the converted model computes the same in tfjs 1.7.4 and 4.22.0.
// usage: node make-layer-models.js <members.json> <out-dir>
//   members.json: [{id, topology: {class_name: "Model", config}, inputs: [{name, shape, max}],
//                   outputs: [layer names]}]; max: inputs are integers in [0, max) (indices).
//   Writes <out-dir>/<id>/ per member, and <out-dir>/failures.json: {id: message} for the members
//   tfjs could not build or run (the caller decides; exit code 1 only if this script crashes).
'use strict';
const fs = require('fs');
const path = require('path');
const {quietly, save} = require('./test-models-io');

const tf = quietly(() => require('tfjs4'));

function data(n, seed) {
  return Array.from({length: n}, (_, i) => Math.round(Math.sin(i * 12.9898 + seed * 78.233) * 10000) / 10000);
}

// seeded weights: variances positive (they are divided by), everything else in [-1, 1]
function seedWeights(model) {
  model.weights.forEach((w, k) => {
    const values = data(w.shape.reduce((a, b) => a * b, 1), k + 1);
    const positive = /variance/.test(w.originalName || w.name);
    w.write(tf.tensor(positive ? values.map((v) => Math.abs(v) + 0.5) : values, w.shape));
  });
}

function inputData(input, seed) {
  const n = input.shape.reduce((a, b) => a * b, 1);
  return data(n, seed).map((v) => input.max ? Math.floor(Math.abs(v) * input.max) % input.max : v);
}

async function member(spec, out) {
  const model = await tf.models.modelFromJSON(spec.topology);
  seedWeights(model);
  const fed = spec.inputs.map((input, i) => ({...input, data: inputData(input, i + 7)}));
  const probe = tf.model({inputs: model.inputs,
    outputs: spec.outputs.map((name) => model.getLayer(name).output)});
  let values = probe.predict(fed.map((f) => tf.tensor(f.data, [1, ...f.shape])));
  if (!Array.isArray(values)) values = [values];
  await save(tf, model, path.join(out, spec.id), {
    source: 'tfjs-4.22.0',
    tolerance: 1e-6,
    inputs: fed.map((f) => ({name: f.name, shape: [1, ...f.shape], dtype: 'float32', data: f.data})),
    outputs: spec.outputs.map((name, i) => ({
      layer: name, shape: values[i].shape, dtype: 'float32', data: Array.from(values[i].dataSync()),
    })),
  });
}

async function main() {
  const [membersFile, out] = process.argv.slice(2);
  const failures = {};
  for (const spec of JSON.parse(fs.readFileSync(membersFile, 'utf8'))) {
    try {
      await member(spec, out);
    } catch (e) {
      failures[spec.id] = String(e.message || e);
    }
  }
  fs.writeFileSync(path.join(out, 'failures.json'), JSON.stringify(failures, null, 1));
  console.log('written to ' + out);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
