// The benchmark's anchor (scripts/benchmark-deep.sh): what the Node.js converter does with a model,
// as one whole process timed from outside. TensorFlow.js 4.22 (pure-JS CPU backend) loads the
// model from its files and saves a model exposing the intermediate outputs:
//   layers: every layer's output (each call of it) becomes a model output, as tf.model() wraps it;
//           saving writes every weight as float32 (quantized weights come out dequantized).
//   graph:  the exposed node names (a file, one per line: the nodes the plugin exposes) are
//           compiled into tfjs's execution plan for those outputs (what execute() does before it
//           computes; computing them would time inference, not conversion), then the model is
//           saved with the names recorded in userDefinedMetadata.outputNodes.
// usage: node anchor-convert.js layers|graph <model.json> <out dir> [<node names file>]
'use strict';
const fs = require('fs');
const path = require('path');
const {quietly} = require('./test-models-io');

const tf = quietly(() => require('tfjs4'));

// the model's files as one IOHandler, as tfjs-node's file:// handler reads them
function fromFiles(modelJson) {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
      const specs = [];
      const buffers = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(fs.readFileSync(path.join(path.dirname(modelJson), p)));
      }
      const data = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        modelInitializer: json.modelInitializer,
        weightSpecs: specs,
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
      };
    },
  };
}

function toFiles(dir, metadata) {
  return tf.io.withSaveHandler(async (artifacts) => {
    fs.mkdirSync(dir, {recursive: true});
    const data = artifacts.weightData;
    fs.writeFileSync(path.join(dir, 'weights.bin'),
        Buffer.from(Array.isArray(data) ? Buffer.concat(data.map((b) => Buffer.from(b))) : data));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      modelTopology: artifacts.modelTopology,
      signature: artifacts.signature,
      userDefinedMetadata: Object.assign({}, artifacts.userDefinedMetadata, metadata),
      weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs}],
    }));
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  });
}

async function layers(modelJson, out) {
  const model = await tf.loadLayersModel(fromFiles(modelJson));
  const outputs = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    for (let i = 0; i < layer.inboundNodes.length; i++) outputs.push(layer.getOutputAt(i));
  }
  const wrapped = tf.model({inputs: model.inputs, outputs});
  await wrapped.save(toFiles(out));
  return outputs.length;
}

async function graph(modelJson, out, namesFile) {
  const names = fs.readFileSync(namesFile, 'utf8').split('\n').filter(Boolean);
  const model = await tf.loadGraphModel(fromFiles(modelJson));
  const executor = model.executor;
  const inputs = {};
  for (const input of executor.inputs) inputs[input.name] = null;
  const nodes = names.map((name) => {
    const node = executor.graph.nodes[name];
    if (!node) throw new Error('no node ' + name + ' in ' + modelJson);
    return node;
  });
  executor.compile(inputs, nodes);
  await model.save(toFiles(out, {outputNodes: names}));
  return names.length;
}

async function main() {
  const [kind, modelJson, out, names] = process.argv.slice(2);
  await tf.setBackend('cpu');
  const count = kind === 'graph' ? await graph(modelJson, out, names) : await layers(modelJson, out);
  process.stdout.write('outputs=' + count + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
