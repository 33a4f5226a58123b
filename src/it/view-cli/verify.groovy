// `mvn <plugin>:view -Dtensorspace.source=mnist.h5` in a folder without a POM, as a user runs it:
// it prints the address, serves the page and the model there, and on SIGINT (what Ctrl-C sends; the
// JVM runs its shutdown hooks) stops serving and deletes its temporary folder.
String log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('TensorSpace view skipped (tensorspace.skip).') : 'the skip run did not skip'

def coordinates = new groovy.xml.XmlSlurper().parse(new File(basedir, 'pom.xml')).properties.'plugin.coordinates'.text()
def models = System.getProperty('tensorspace.models') ?: new File(basedir, '../../../../shared/models').canonicalPath
def source = new File(models, 'keras2-h5/tensorspace-keras-mnist/mnist.h5')
assert source.isFile() : "no corpus model at ${source}"

File noPom = new File(basedir, 'no-pom')
noPom.mkdirs()
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').path
def command = [mvn, '-B', "-Dmaven.repo.local=${localRepositoryPath}", "${coordinates}:view",
    "-Dtensorspace.source=${source}", '-Dtensorspace.port=0']
Process process = new ProcessBuilder(command.collect { it.toString() }).directory(noPom)
    .redirectErrorStream(true).start()
File viewLog = new File(basedir, 'view.log')
def lines = java.util.Collections.synchronizedList([])
Thread reader = Thread.start {
  process.inputStream.eachLine('UTF-8') { line -> lines << line; viewLog << line + '\n' }
}
try {
  String url = null
  String folder = null
  long end = System.currentTimeMillis() + 180_000
  while (url == null && process.alive && System.currentTimeMillis() < end) {
    Thread.sleep(100)
    synchronized (lines) {
      lines.each { line ->
        def u = line =~ /TensorSpace view: (http:\/\/\S+)/
        if (u.find()) url = u.group(1)
        def f = line =~ /TensorSpace view: converting into (\S+) \(a temporary folder/
        if (f.find()) folder = f.group(1)
      }
    }
  }
  assert url != null : "no address printed (see ${viewLog})"
  assert url ==~ /http:\/\/127\.0\.0\.1:\d+\// : url
  assert folder != null && new File(folder).isDirectory() : "temporary folder ${folder}"
  assert !new File(noPom, 'target').exists() : 'wrote into the folder it was started in'
  String page = new URL(url).getText('UTF-8')
  assert page.contains('https://cdn.jsdelivr.net/npm/tensorspace@0.6.1/dist/tensorspace.min.js')
  assert page.contains('/__version') : 'no reload script'
  assert new URL(url + 'model.json').getText('UTF-8').contains('"layers-model"')
  assert new URL(url + 'tensorspace-model.js').getText('UTF-8').contains('TensorSpaceModels')

  boolean unix = File.separatorChar == '/' as char
  if (unix) {
    assert ['kill', '-INT', process.pid().toString()].execute().waitFor() == 0 // what Ctrl-C sends
  } else {
    process.destroy()
  }
  assert process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) : 'did not stop when told to'
  assert !unix || process.exitValue() == 130 : "exit value ${process.exitValue()} after SIGINT"
  reader.join(10_000)
  assert !new File(folder).exists() : "temporary folder ${folder} left behind"
  try {
    new URL(url).getText('UTF-8')
    assert false : 'still serving after it stopped'
  } catch (IOException expected) {
    // connection refused
  }
} finally {
  if (process.alive) {
    process.destroyForcibly()
  }
}
return true
