// Writes small layers models that the corpus lacks — a nested model, a layer shared by two calls,
// several inputs — with tfjs 4.22 itself, plus reference activations that tfjs computes for the
// layers a test will ask for (reference.json, same schema as the corpus).
// usage: node make-test-models.js <out-dir>
'use strict';
const path = require('path');
const {quietly, save: saveModel} = require('./test-models-io');

const tf = quietly(() => require('tfjs4'));

function save(model, dir, references) {
  return saveModel(tf, model, dir, references);
}

// reference entry for each named symbolic tensor, computed by a tfjs sub-model
function reference(inputs, inputData, outputs) {
  const probe = tf.model({inputs, outputs: outputs.map((o) => o.tensor)});
  const fed = inputData.map((d, i) => tf.tensor(d, [1, ...inputs[i].shape.slice(1)]));
  let values = probe.predict(fed.length === 1 ? fed[0] : fed);
  if (!Array.isArray(values)) values = [values];
  return {
    source: 'tfjs-4.22.0',
    tolerance: 1e-6,
    inputs: inputs.map((input, i) => ({
      name: input.name.replace(/:.*$/, ''), shape: [1, ...input.shape.slice(1)], dtype: 'float32',
      data: inputData[i],
    })),
    outputs: outputs.map((o, i) => ({
      layer: o.name, shape: values[i].shape, dtype: 'float32', data: Array.from(values[i].dataSync()),
    })),
  };
}

function data(n, seed) {
  return Array.from({length: n}, (_, i) => Math.round(Math.sin(i * 12.9898 + seed) * 10000) / 10000);
}

async function main() {
  const out = process.argv[2];
  tf.util.seedrandom ? tf.util.seedrandom('tensorspace') : null;

  // a Sequential used as a layer inside a functional model
  {
    const inner = tf.sequential({name: 'encoder'});
    inner.add(tf.layers.dense({units: 6, activation: 'relu', inputShape: [4], name: 'enc_dense'}));
    inner.add(tf.layers.dense({units: 3, activation: 'tanh', name: 'enc_code'}));
    const input = tf.input({shape: [4], name: 'features'});
    const encoded = inner.apply(input);
    const head = tf.layers.dense({units: 2, activation: 'softmax', name: 'head'}).apply(encoded);
    const model = tf.model({inputs: input, outputs: head, name: 'nested'});
    // the inner layers' own outputs, as the flattened model must expose them
    const encDense = inner.layers[0].apply(input);
    const encCode = inner.layers[1].apply(encDense);
    const x = data(4, 1);
    const ref = reference([input], [x], [
      {name: 'enc_dense', tensor: encDense}, {name: 'enc_code', tensor: encCode},
      {name: 'head', tensor: tf.layers.dense ? head : head},
    ]);
    await save(model, path.join(out, 'nested-sequential'), ref);
  }

  // one Dense applied to two inputs: its two calls are two different outputs
  {
    const a = tf.input({shape: [3], name: 'left'});
    const b = tf.input({shape: [3], name: 'right'});
    const shared = tf.layers.dense({units: 5, activation: 'relu', name: 'shared_dense'});
    const sa = shared.apply(a);
    const sb = shared.apply(b);
    const merged = tf.layers.concatenate({name: 'merged'}).apply([sa, sb]);
    const out2 = tf.layers.dense({units: 2, name: 'score'}).apply(merged);
    const model = tf.model({inputs: [a, b], outputs: out2, name: 'siamese'});
    const ref = reference([a, b], [data(3, 2), data(3, 3)], [
      {name: 'shared_dense#0', tensor: sa}, {name: 'shared_dense#1', tensor: sb},
      {name: 'merged', tensor: merged}, {name: 'score', tensor: out2},
    ]);
    await save(model, path.join(out, 'shared-layer'), ref);
  }
  console.log('written to ' + out);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
