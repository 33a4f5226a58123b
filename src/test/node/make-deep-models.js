// Writes deep real architectures as TensorFlow.js layers models: the InceptionV3, ResNet50 and
// MobileNet topologies of the corpus (golden/*-topology-only, Keras applications preprocessed by
// TensorSpace, which ship no weights) with weights initialised by tfjs 4.22 itself from each layer's
// own initializer, one output (the classifier), as the original applications have.
// usage: node make-deep-models.js <corpus-dir> <out-dir> [name ...]   (default: all three)
'use strict';
const fs = require('fs');
const path = require('path');
const {quietly} = require('./test-models-io');

const tf = quietly(() => require('tfjs4'));

// name -> corpus topology and the fixed input size the application was trained at
const MODELS = {
  inceptionv3: {topology: 'golden/tsp-inceptionv3-topology-only/model.json', size: 299},
  resnet50: {topology: 'golden/tsp-resnet50-topology-only/model.json', size: 224},
  mobilenet: {topology: 'golden/tsp-mobilenetv1-topology-only/model.json', size: 224},
};

async function write(name, corpus, out) {
  const spec = MODELS[name];
  const json = JSON.parse(fs.readFileSync(path.join(corpus, spec.topology), 'utf8'));
  const config = json.modelTopology.model_config.config;
  const input = config.layers.find((l) => l.class_name === 'InputLayer');
  input.config.batch_input_shape = [null, spec.size, spec.size, 3];
  const last = config.layers[config.layers.length - 1].name;
  config.output_layers = [[last, 0, 0]];
  const model = await tf.models.modelFromJSON({modelTopology: json.modelTopology});
  const dir = path.join(out, name);
  fs.mkdirSync(dir, {recursive: true});
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs}],
    }));
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  model.dispose();
  process.stdout.write(name + ' ' + config.layers.length + ' layers -> ' + dir + '\n');
}

async function main() {
  const [corpus, out, ...names] = process.argv.slice(2);
  for (const name of names.length ? names : Object.keys(MODELS)) {
    if (!MODELS[name]) throw new Error('unknown model ' + name + '; one of ' + Object.keys(MODELS));
    await write(name, corpus, out);
  }
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
