import java.util.jar.JarFile

File jar = new File(basedir, 'target/example-webapp-1.0-SNAPSHOT.jar')
assert jar.isFile() : "jar not built: ${jar}"

def expectedOutputs = ['reshape_1', 'Conv2D_1', 'MaxPooling2D_1', 'Conv2D_2', 'MaxPooling2D_2',
                       'flatten_1', 'Dense_1', 'Dense_2', 'Softmax']

new JarFile(jar).withCloseable { zip ->
  assert zip.getEntry('static/index.html') != null : 'static/index.html missing from the jar'
  assert zip.getEntry('static/models/lenet/group1-shard1of1.bin') != null :
      "no weights shard in the jar; entries: ${zip.entries().collect { it.name }}"
  def entry = zip.getEntry('static/models/lenet/model.json')
  assert entry != null : "no model.json in the jar; entries: ${zip.entries().collect { it.name }}"

  String text = zip.getInputStream(entry).getText('UTF-8')
  assert text.replaceAll(/\s/, '').contains('"format":"layers-model"') : 'model.json is not a layers-model'
  def json = new groovy.json.JsonSlurper().parseText(text)
  def outputs = json.modelTopology.model_config.config.output_layers.collect { it[0] }
  assert outputs == expectedOutputs : "output_layers: ${outputs}"
  assert json.weightsManifest[0].paths == ['group1-shard1of1.bin']
}

String log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains("TensorSpace model 'lenet'") : 'no one-line summary in build.log'
assert !log.contains('jHDF') : 'jHDF log lines leak into the build log'
return true
