// What the scripts that write test models with tfjs share: loading tfjs without its greeting on
// stdout, and saving a layers model (model.json + weights.bin) with its reference.json.
'use strict';
const fs = require('fs');
const path = require('path');

// tfjs greets Node users on stdout; keep a script's output to its own lines
function quietly(load) {
  const [log, warn] = [console.log, console.warn];
  console.log = console.warn = () => {};
  try {
    return load();
  } finally {
    [console.log, console.warn] = [log, warn];
  }
}

async function save(tf, model, dir, reference) {
  fs.mkdirSync(dir, {recursive: true});
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    fs.writeFileSync(path.join(dir, 'weights.bin'),
        Buffer.from(artifacts.weightData || new ArrayBuffer(0)));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs || []}],
    }));
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  fs.writeFileSync(path.join(dir, 'reference.json'), JSON.stringify(reference));
}

module.exports = {quietly, save};
