import java.util.jar.JarFile

// Both modules were built by one `mvn -T 2 package`; each jar carries its own model.
['keras-lenet', 'tfkeras-lenet'].each { module ->
  File jar = new File(basedir, "${module}/target/${module}-1.0-SNAPSHOT.jar")
  assert jar.isFile() : "jar not built: ${jar}"
  new JarFile(jar).withCloseable { zip ->
    def names = zip.entries().collect { it.name }
    def entry = zip.getEntry("static/models/${module}/model.json")
    assert entry != null : "no static/models/${module}/model.json in ${jar.name}; entries: ${names}"
    def json = new groovy.json.JsonSlurper().parseText(zip.getInputStream(entry).getText('UTF-8'))
    assert json.format == 'layers-model' : "${module}: model.json is not a layers-model"
    def shards = json.weightsManifest.collectMany { it.paths }
    assert !shards.isEmpty() : "${module}: no weight shards in model.json"
    shards.each { shard ->
      assert zip.getEntry("static/models/${module}/${shard}") != null : "${module}: shard ${shard} missing from ${jar.name}"
    }
    // each module holds its own model only
    def other = module == 'keras-lenet' ? 'tfkeras-lenet' : 'keras-lenet'
    assert !names.any { it.contains("/${other}/") } : "${jar.name} holds the other module's model: ${names}"
  }
}

// without colour codes, which some Maven versions write even in batch mode
String log = new File(basedir, 'build.log').getText('UTF-8').replaceAll(/\u001B\[[;\d]*m/, '')
if (binding.hasVariable('expectedMavenVersion')) {
  assert log.contains("Apache Maven ${expectedMavenVersion}") : "not built by Maven ${expectedMavenVersion}"
}
assert log.contains('Using the MultiThreadedBuilder implementation with a thread count of 2') :
    'the reactor was not built with 2 threads'
assert log.contains("TensorSpace model 'keras-lenet'") : 'keras-lenet was not converted'
assert log.contains("TensorSpace model 'tfkeras-lenet'") : 'tfkeras-lenet was not converted'
assert !(log =~ /(?i)thread.?safe/) : 'Maven warns about thread safety:\n' + log.readLines().findAll { it =~ /(?i)thread.?safe/ }.join('\n')
def noise = log.readLines().findAll { it.startsWith('[WARNING]') || it.startsWith('[ERROR]') }
assert noise.isEmpty() : 'warnings or errors in the -T 2 build:\n' + noise.join('\n')
assert log.contains('BUILD SUCCESS')
return true
