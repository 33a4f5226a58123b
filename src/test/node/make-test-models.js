// Writes small layers models that the corpus lacks — a nested model, a layer shared by two calls,
// several inputs — with tfjs 4.22 itself, plus reference activations that tfjs computes for the
// layers a test will ask for (reference.json, same schema as the corpus).
// usage: node make-test-models.js <out-dir> [basic|nested|shared]
//   nested: many Sequentials whose first layer is a model (Sequential or functional), up to three
//           levels deep, as Teachable Machine and transfer learning save them
//   shared: many layers called several times in chains, a later call reading a descendant of an
//           earlier one
'use strict';
const fs = require('fs');
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
  const family = process.argv[3] || 'basic';
  if (family === 'nested') {
    await nestedFamily(out);
    return;
  }
  if (family === 'shared') {
    await sharedFamily(out);
    return;
  }

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

// every weight of a model set from the seed, so that members differ and runs repeat
function fill(model, seed) {
  model.weights.forEach((w, i) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    let values = data(size, seed * 31 + i).map((v) => v * 0.5);
    if (/moving_variance|gamma/.test(w.name)) values = values.map((v) => Math.abs(v) + 0.5);
    w.write(tf.tensor(values, w.shape));
  });
}

// a deterministic stream of choices for one member (mulberry32)
function chooser(seed) {
  let state = (seed + 1) * 0x9e3779b9;
  return (options) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return options[((t ^ (t >>> 14)) >>> 0) % options.length];
  };
}

// the first layer of the innermost model, with the input shape it declares
const FIRST_LAYERS = {
  dense: (n) => ({shape: [5], layers: [tf.layers.dense({units: 4, activation: 'tanh', inputShape: [5], name: n})]}),
  conv2d: (n) => ({shape: [6, 6, 2], layers: [
    tf.layers.conv2d({filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 2], name: n}),
    tf.layers.flatten({name: n + '_flat'})]}),
  flatten: (n) => ({shape: [3, 4, 2], layers: [tf.layers.flatten({inputShape: [3, 4, 2], name: n})]}),
  conv1d: (n) => ({shape: [7, 3], layers: [
    tf.layers.conv1d({filters: 2, kernelSize: 2, inputShape: [7, 3], name: n}),
    tf.layers.globalAveragePooling1d({name: n + '_pool'})]}),
  batchnorm: (n) => ({shape: [4], layers: [tf.layers.batchNormalization({inputShape: [4], name: n})]}),
  maxpool: (n) => ({shape: [4, 4, 3], layers: [
    tf.layers.maxPooling2d({poolSize: 2, inputShape: [4, 4, 3], name: n}),
    tf.layers.flatten({name: n + '_flat'})]}),
};

// a model of the given kind holding `layers` (the first may itself be a model), input shape `shape`
function container(kind, name, shape, layers) {
  if (kind === 'sequential') {
    const model = tf.sequential({name});
    layers.forEach((l) => model.add(l));
    return model;
  }
  const input = tf.input({shape, name: name + '_in'});
  const output = layers.reduce((x, l) => l.apply(x), input);
  return tf.model({inputs: input, outputs: output, name});
}

// the layers a flattened model shows, in order, from the (possibly nested) layers of a model
function leaves(layers) {
  return layers.flatMap((l) => (l.layers ? leaves(l.layers.filter((x) => x.getClassName() !== 'InputLayer')) : [l]));
}

// Sequentials whose first layer is a model, 1 to 3 levels deep; references come from running each
// leaf layer eagerly on the input, checked against the original model's own prediction
async function nestedFamily(out) {
  const count = Number(process.env.NESTED_MEMBERS || 36);
  const index = [];
  for (let seed = 0; seed < count; seed++) {
    const pick = chooser(seed);
    const p = 'n' + seed;
    // every first layer at every depth, twice over with other choices of model kinds and heads
    const kinds = Object.keys(FIRST_LAYERS);
    const first = kinds[seed % kinds.length];
    const depth = 1 + (Math.floor(seed / kinds.length) % 3);
    const made = FIRST_LAYERS[first](p + '_' + first);
    let inner = container(pick(['sequential', 'model']), p + '_level' + depth, made.shape, made.layers);
    for (let level = depth - 1; level >= 1; level--) {
      const extra = pick([[], [tf.layers.activation({activation: 'relu', name: p + '_act' + level})]]);
      inner = container(pick(['sequential', 'model']), p + '_level' + level, made.shape, [inner, ...extra]);
    }
    const outer = tf.sequential({name: p + '_outer'});
    outer.add(inner);
    if (pick([false, true])) {
      // a second nested Sequential, declaring its own input shape, as Teachable Machine's head
      const width = inner.outputs[0].shape[1];
      const head = tf.sequential({name: p + '_head'});
      head.add(tf.layers.dense({units: 3, activation: 'relu', inputShape: [width], name: p + '_head_dense'}));
      outer.add(head);
    }
    outer.add(tf.layers.dense({units: 2, activation: 'softmax', name: p + '_out'}));
    fill(outer, seed);

    const x = data(made.shape.reduce((a, b) => a * b, 1), seed + 0.5);
    let current = tf.tensor(x, [1, ...made.shape]);
    const outputs = [];
    for (const layer of leaves(outer.layers)) {
      current = layer.apply(current);
      outputs.push({layer: layer.name, shape: current.shape, dtype: 'float32',
        data: Array.from(current.dataSync())});
    }
    const whole = outer.predict(tf.tensor(x, [1, ...made.shape])).dataSync();
    const last = outputs[outputs.length - 1].data;
    if (whole.some((v, i) => Math.abs(v - last[i]) > 1e-5)) {
      throw new Error(p + ': the layers run one by one disagree with the model');
    }
    const reference = {source: 'tfjs-4.22.0', tolerance: 1e-6,
      inputs: [{name: 'input', shape: [1, ...made.shape], dtype: 'float32', data: x}], outputs};
    const dir = path.join(out, 'nested-' + seed);
    await save(outer, dir, reference);
    index.push({id: 'nested-' + seed, first, depth, layers: outputs.map((o) => o.layer)});
  }
  fs.writeFileSync(path.join(out, 'nested-index.json'), JSON.stringify(index, null, 1));
}

// a layer that keeps the shape of its input, so that it can be called on its own descendants
const SHAPE_KEEPING = {
  dense: (n) => ({shape: [4], layer: tf.layers.dense({units: 4, activation: 'tanh', name: n}),
    between: (m) => tf.layers.dense({units: 4, name: m})}),
  conv2d: (n) => ({shape: [5, 5, 2], layer: tf.layers.conv2d({filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', name: n}),
    between: (m) => tf.layers.conv2d({filters: 2, kernelSize: 1, name: m})}),
  conv1d: (n) => ({shape: [6, 3], layer: tf.layers.conv1d({filters: 3, kernelSize: 2, padding: 'same', name: n}),
    between: (m) => tf.layers.activation({activation: 'sigmoid', name: m})}),
  batchnorm: (n) => ({shape: [3], layer: tf.layers.batchNormalization({name: n}),
    between: (m) => tf.layers.dense({units: 3, name: m})}),
  activation: (n) => ({shape: [4], layer: tf.layers.activation({activation: 'elu', name: n}),
    between: (m) => tf.layers.dense({units: 4, name: m})}),
  // a whole model shared: it stays one layer (only a model called once is flattened)
  model: (n) => {
    const inner = tf.sequential({name: n});
    inner.add(tf.layers.dense({units: 4, activation: 'relu', inputShape: [4], name: n + '_dense'}));
    return {shape: [4], layer: inner, between: (m) => tf.layers.dense({units: 4, name: m})};
  },
};

// one layer called 2 to 4 times in a chain: each later call reads a descendant of the earlier
// ones (through a layer in between, sometimes merged with an earlier call's output), so the
// layer graph by names has cycles while the graph of calls has none
async function sharedFamily(out) {
  const count = Number(process.env.SHARED_MEMBERS || 36);
  const index = [];
  for (let seed = 0; seed < count; seed++) {
    const pick = chooser(seed + 1000);
    const p = 's' + seed;
    const kinds = Object.keys(SHAPE_KEEPING);
    const kind = kinds[seed % kinds.length];
    const calls = 2 + (Math.floor(seed / kinds.length) % 3);
    const made = SHAPE_KEEPING[kind](p + '_shared');
    const input = tf.input({shape: made.shape, name: p + '_in'});
    const named = [];
    let x = input;
    const results = [];
    for (let call = 0; call < calls; call++) {
      x = made.layer.apply(x);
      results.push(x);
      named.push({name: made.layer.name + '#' + call, tensor: x});
      if (call === calls - 1) break;
      x = made.between(p + '_between' + call).apply(x);
      named.push({name: p + '_between' + call, tensor: x});
      if (call > 0 && pick([false, true])) {
        x = tf.layers.add({name: p + '_add' + call}).apply([x, results[call - 1]]);
        named.push({name: p + '_add' + call, tensor: x});
      }
    }
    const flat = made.shape.length > 1 ? tf.layers.flatten({name: p + '_flat'}).apply(x) : x;
    if (flat !== x) named.push({name: p + '_flat', tensor: flat});
    const score = tf.layers.dense({units: 2, name: p + '_score'}).apply(flat);
    named.push({name: p + '_score', tensor: score});
    const model = tf.model({inputs: input, outputs: score, name: p + '_model'});
    fill(model, seed + 100);
    const size = made.shape.reduce((a, b) => a * b, 1);
    const ref = reference([input], [data(size, seed + 0.25)], named);
    await save(model, path.join(out, 'shared-' + seed), ref);
    index.push({id: 'shared-' + seed, kind, calls, outputs: named.map((o) => o.name)});
  }
  fs.writeFileSync(path.join(out, 'shared-index.json'), JSON.stringify(index, null, 1));
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
