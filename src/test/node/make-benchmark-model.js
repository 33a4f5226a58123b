// Writes a large TensorFlow.js layers model with random weights, for the benchmark (scripts/benchmark.sh).
// usage: node make-benchmark-model.js <megabytes> <out-dir>
// A stack of Dense(2048) layers: each kernel is 16 MiB, so the largest tensor stays small while the
// model grows; tfjs itself builds, initialises and serialises the model.
'use strict';
const fs = require('fs');
const path = require('path');
const {quietly} = require('./test-models-io');

const SHARD_BYTES = 4 * 1024 * 1024;

async function main() {
  const [megabytes, outDir] = [Number(process.argv[2]), process.argv[3]];
  if (!(megabytes > 0) || !outDir) {
    throw new Error('usage: node make-benchmark-model.js <megabytes> <out-dir>');
  }
  const tf = quietly(() => require('tfjs4'));
  const width = 2048;
  const layerBytes = (width * width + width) * 4;
  const layers = Math.max(1, Math.round((megabytes * 1024 * 1024) / layerBytes));
  const model = tf.sequential();
  for (let i = 0; i < layers; i++) {
    model.add(tf.layers.dense({
      units: width, activation: 'relu', name: `dense_${i + 1}`,
      ...(i === 0 ? {inputShape: [width]} : {}),
    }));
  }
  model.add(tf.layers.dense({units: 10, activation: 'softmax', name: 'predictions'}));
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    fs.mkdirSync(outDir, {recursive: true});
    const data = Buffer.from(artifacts.weightData);
    const count = Math.ceil(data.length / SHARD_BYTES);
    const paths = [];
    for (let i = 0; i < count; i++) {
      const name = `group1-shard${i + 1}of${count}.bin`;
      fs.writeFileSync(path.join(outDir, name), data.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
      paths.push(name);
    }
    const modelJson = {
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{paths, weights: artifacts.weightSpecs}],
    };
    fs.writeFileSync(path.join(outDir, 'model.json'), JSON.stringify(modelJson));
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  console.log(`${outDir}: ${layers + 1} layers, ${model.countParams()} parameters`);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
