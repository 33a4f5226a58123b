import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import java.util.concurrent.TimeUnit
import java.util.jar.JarFile

File jar = new File(basedir, 'target/example-webapp-1.0-SNAPSHOT.jar')
assert jar.isFile() : "jar not built: ${jar}"

def expectedOutputs = ['reshape_1', 'Conv2D_1', 'MaxPooling2D_1', 'Conv2D_2', 'MaxPooling2D_2',
                       'flatten_1', 'Dense_1', 'Dense_2', 'Softmax']

new JarFile(jar).withCloseable { zip ->
  def names = zip.entries().collect { it.name }
  for (String entryName : ['static/index.html', 'static/models/lenet/group1-shard1of1.bin',
                           'static/models/lenet/tensorspace.json', 'static/models/lenet/tensorspace-model.js',
                           'static/lib/three@0.102.1/build/three.min.js',
                           'static/lib/three@0.102.1/examples/js/controls/TrackballControls.js',
                           'static/lib/@tweenjs/tween.js@17.6.0/src/Tween.js',
                           'static/lib/@tensorflow/tfjs@1.7.4/dist/tf.min.js',
                           'static/lib/tensorspace@0.6.1/dist/tensorspace.min.js',
                           'static/lib/tensorspace@0.6.1/LICENSE', 'static/lib/three@0.102.1/LICENSE',
                           'io/tensorspace/example/ExampleServer.class']) {
    assert names.contains(entryName) : "${entryName} missing from the jar; entries: ${names}"
  }
  assert !names.contains('static/models/lenet/index.html') : 'preview page written although not asked for'
  def entry = zip.getEntry('static/models/lenet/model.json')
  String text = zip.getInputStream(entry).getText('UTF-8')
  assert text.replaceAll(/\s/, '').contains('"format":"layers-model"') : 'model.json is not a layers-model'
  def json = new JsonSlurper().parseText(text)
  def outputs = json.modelTopology.model_config.config.output_layers.collect { it[0] }
  assert outputs == expectedOutputs : "output_layers: ${outputs}"
  assert json.weightsManifest[0].paths == ['group1-shard1of1.bin']

  // tensorspace.json: the same outputs in the same order, each drawn; POM overrides applied
  def tsp = new JsonSlurper().parseText(zip.getInputStream(zip.getEntry('static/models/lenet/tensorspace.json')).getText('UTF-8'))
  assert tsp.model == 'Sequential'
  assert tsp.load == [type: 'tfjs', url: 'model.json']
  assert tsp.outputs.collect { it.name } == expectedOutputs
  assert tsp.outputs.collect { it.tensorspace['class'] } ==
      ['Reshape', 'Conv2d', 'Pooling2d', 'Conv2d', 'Pooling2d', 'Flatten', 'Dense', 'Dense', 'Output1d']
  assert tsp.outputs[-1].tensorspace.config.outputs == (0..9).collect { it.toString() }
  assert tsp.outputs[1].tensorspace.config.initStatus == 'open'
}

String log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains("TensorSpace model 'lenet'") : 'no one-line summary in build.log'
assert !log.contains('jHDF') : 'jHDF log lines leak into the build log'

// ---------------------------------------------------------------- the page in a real browser
// Starts the example server from the jar, opens the page in Debian's headless Chromium through
// playwright-core (src/test/browser/check-pages.js) and checks: no page or console errors, the
// TensorSpace model loaded, the prediction filled every layer and says 7 for the drawn 7, and the
// canvas is not blank. The screenshot goes to target/it/example-webapp/target/example.png.
// Only -DskipTests (the README's run command) leaves it out, and says so; in every other build a
// missing Chromium or playwright-core fails it.
if (Boolean.getBoolean('skipTests') || Boolean.getBoolean('maven.test.skip')) {
  println 'example page in Chromium: not checked (-DskipTests)'
  return true
}
File root = new File(basedir, '../../..').canonicalFile
File checkPages = new File(root, 'src/test/browser/check-pages.js')
assert new File(root, 'src/test/browser/node_modules/playwright-core').isDirectory() :
    'npm ci --prefix src/test/browser has not run (.ci/run does)'
String chromium = System.getProperty('tensorspace.chromium', '/usr/bin/chromium')
assert new File(chromium).canExecute() : "${chromium} is missing: apt-get install chromium (.ci/run does)"

String javaBin = new File(System.getProperty('java.home'), 'bin/java').path
Process server = new ProcessBuilder(javaBin, '-jar', jar.path, '0').redirectErrorStream(true).start()
try {
  def reader = new BufferedReader(new InputStreamReader(server.inputStream, 'UTF-8'))
  String line = reader.readLine()
  assert line != null && line.contains('http://localhost:') : "server did not start: ${line}"
  String url = line.substring(line.indexOf('http://')).trim().replace('localhost', '127.0.0.1')
  File screenshot = new File(basedir, 'target/example.png')
  def job = [chromium: chromium, concurrency: 1, timeoutMs: 60000,
             pages: [[id: 'example', url: url, screenshot: screenshot.path, settleMs: 1500, fullPage: true]]]
  File out = new File(basedir, 'target/browser-check.json')
  File err = new File(basedir, 'target/browser-check.err')
  Process node = new ProcessBuilder(System.getProperty('tensorspace.node', 'node'), checkPages.path)
      .redirectOutput(out).redirectError(err).start()
  node.outputStream.withCloseable { it.write(JsonOutput.toJson(job).getBytes('UTF-8')) }
  assert node.waitFor(3, TimeUnit.MINUTES) : 'check-pages.js did not finish'
  assert node.exitValue() == 0 : "check-pages.js failed: ${err.text}"
  def r = new JsonSlurper().parse(out).results[0]
  println "example page in Chromium: ${JsonOutput.toJson(r)}"
  assert r.errors == [] : "page or console errors: ${r.errors}"
  assert r.error == null : r.error
  assert r.loaded : 'the TensorSpace model did not load'
  assert r.layers == 10 : "TensorSpace layers: ${r.layers}"
  assert r.filled : "layers without a value after predict: ${r.unfilled}"
  assert r.prediction == 7 : "the drawn 7 was predicted as ${r.prediction}"
  assert r.colours > 1 : 'the canvas is blank'
  assert screenshot.length() > 0
} finally {
  server.destroy()
  server.waitFor(10, TimeUnit.SECONDS)
}
return true
