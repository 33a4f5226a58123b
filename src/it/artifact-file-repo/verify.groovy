import java.security.MessageDigest

String log = new File(basedir, 'build.log').getText('UTF-8')
if (binding.hasVariable('expectedMavenVersion')) {
  assert log.contains("Apache Maven ${expectedMavenVersion}") : "not built by Maven ${expectedMavenVersion}"
}
File repo = new File(basedir, 'target/repo/com/acme/models/lenet/1.0.0')
File consumer = new File(basedir, 'consumer')

// deploy:deploy-file wrote a real Maven layout with checksums
['lenet-1.0.0.h5', 'lenet-1.0.0-tfjs.zip', 'lenet-1.0.0.pom'].each { name ->
  assert new File(repo, name).isFile() : "not deployed: ${name}"
  assert new File(repo, name + '.sha1').isFile() : "no checksum for ${name}"
}

// both models were converted from their artifacts and went into the jar's resources
File models = new File(consumer, 'target/classes/static/models')
['lenet-h5', 'lenet-tfjs'].each { name ->
  File modelJson = new File(models, "${name}/model.json")
  assert modelJson.isFile() : "no converted model ${name}: ${models.list()}"
  assert new groovy.json.JsonSlurper().parse(modelJson, 'UTF-8').format == 'layers-model'
}
assert log.contains("TensorSpace model 'lenet-h5' from ") : 'the h5 artifact was not converted'
assert log.contains("TensorSpace model 'lenet-tfjs' from ") : 'the zip artifact was not converted'
// the .h5 is converted where the resolver put it (the local repository), not copied
assert log =~ /TensorSpace model 'lenet-h5' from \S+com.acme.models.lenet.1\.0\.0.lenet-1\.0\.0\.h5/

// the zip was unpacked into target/tensorspace-artifacts, its folder found inside
File unpacked = new File(consumer, 'target/tensorspace-artifacts/com.acme.models/lenet/1.0.0/tfjs-zip/lenet')
assert new File(unpacked, 'model.json').isFile() : "not unpacked: ${unpacked}"

// the same network either way: the weights of both conversions are the same bytes
byte[] fromH5 = new File(models, 'lenet-h5/group1-shard1of1.bin').bytes
byte[] fromZip = new File(models, 'lenet-tfjs/group1-shard1of1.bin').bytes
assert fromH5 == fromZip : 'converting the tfjs zip gave other weights than the h5'

// the up-to-date record names the artifact: coordinates, file, sha256 (what a build cache keys on)
String zipSha = MessageDigest.getInstance('SHA-256').digest(new File(repo, 'lenet-1.0.0-tfjs.zip').bytes)
    .encodeHex().toString()
def records = new File(consumer, 'target/tensorspace-state').listFiles().findAll { it.name.endsWith('.properties') }
  .collect { f -> def p = new Properties(); f.withInputStream { p.load(it) }; p }
def zipRecord = records.find { it.getProperty('artifact.coordinates') == 'com.acme.models:lenet:1.0.0:zip:tfjs' }
assert zipRecord != null : "no record names the zip artifact: ${records}"
assert zipRecord.getProperty('artifact.sha256') == zipSha
assert zipRecord.getProperty('artifact.file').endsWith('lenet-1.0.0-tfjs.zip')

// the second build changed nothing
assert log.contains("TensorSpace model 'lenet-h5' is up to date")
assert log.contains("TensorSpace model 'lenet-tfjs' is up to date")

// the command-line model by coordinates
assert new File(consumer, 'target/cli-out/model.json').isFile() : 'the -Dtensorspace.artifact model was not converted'

// unresolvable coordinates: a user mistake naming the coordinates and the repositories tried
assert !log.contains('Unexpected failure')
assert log.contains('The model artifact com.acme.models:nosuch:2.0.0:h5 cannot be resolved')
assert log =~ /Repositories tried: [^\n]*models \(file:\S+target\/repo\)/
assert log.contains('central (https://repo.maven.apache.org/maven2)')
assert log.contains('Maven runs offline (-o), so only the local repository was searched')
return true
