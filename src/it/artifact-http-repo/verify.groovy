import java.security.MessageDigest

File target = new File(basedir, 'target')
try {
  String log = new File(basedir, 'build.log').getText('UTF-8')
  File consumer = new File(basedir, 'consumer')
  String port = new File(target, 'models-settings.xml').text.find(/127\.0\.0\.1:(\d+)/) { it[1] }
  if (binding.hasVariable('expectedMavenVersion')) {
    assert log.contains("Apache Maven ${expectedMavenVersion}") : "not built by Maven ${expectedMavenVersion}"
  }

  // the consumer fetched both SNAPSHOTs over HTTP from nginx (its access log, not Maven's transfer
  // lines: Maven 4 prints none when the CI environment variable is set)
  String access = new File(target, 'nginx/access.log').text
  assert access =~ /"GET \/com\/acme\/http\/lenet\/1\.0-SNAPSHOT\/lenet-1\.0-\d{8}\.\d{6}-1\.zip HTTP\/1\.1" 200/
  assert access =~ /"GET \/com\/acme\/http\/lenet\/1\.0-SNAPSHOT\/lenet-1\.0-\d{8}\.\d{6}-2\.zip HTTP\/1\.1" 200/
  assert access =~ /"GET \/com\/acme\/http\/lenet\/1\.0-SNAPSHOT\/maven-metadata\.xml HTTP\/1\.1" 200/
  assert access =~ /"GET \/com\/acme\/http\/lenet\/1\.0-SNAPSHOT\/lenet-1\.0-\S+-2\.zip HTTP\/1\.1" 200/

  // conversions: the first SNAPSHOT (float32 weights), the second (uint8) only after -U, once
  def converted = (log =~ /TensorSpace model 'lenet' from \S+tensorspace-artifacts\S+: 9 outputs, ([\d,]+) weight bytes/)
      .collect { it[1].replace(',', '') as long }
  assert converted.size() == 2 : "expected two conversions, saw ${converted}"
  assert converted[0] == 177704L && converted[1] < converted[0] / 3 : "weight bytes ${converted}"
  assert (log =~ /TensorSpace model 'lenet' is up to date/).count == 2 : 'runs 4 and 6 were not no-ops'

  // what the jar got is the second SNAPSHOT: uint8 weights
  def model = new groovy.json.JsonSlurper().parse(
      new File(consumer, 'target/classes/static/models/lenet/model.json'), 'UTF-8')
  assert model.weightsManifest[0].weights.any { it.quantization?.dtype == 'uint8' }

  // the record names the artifact that was converted, by coordinates and sha256
  File latest = new File(target, 'http-repo/com/acme/http/lenet/1.0-SNAPSHOT').listFiles()
      .find { it.name ==~ /lenet-1\.0-\d{8}\.\d{6}-2\.zip/ }
  String sha = MessageDigest.getInstance('SHA-256').digest(latest.bytes).encodeHex().toString()
  def record = new File(consumer, 'target/tensorspace-state').listFiles()
      .findAll { it.name.endsWith('.properties') }
      .collect { f -> def p = new Properties(); f.withInputStream { p.load(it) }; p }
      .find { it.getProperty('artifact.coordinates') == 'com.acme.http:lenet:1.0-SNAPSHOT:zip' }
  assert record != null && record.getProperty('artifact.sha256') == sha

  // a damaged download is refused by the checksum policy, and reported as a user's problem
  assert log.contains('The model artifact com.acme.http:broken:1.0:h5 cannot be resolved')
  assert log =~ /(?i)checksum validation failed/
  assert !log.contains('Unexpected failure')
  return true
} finally {
  File pid = new File(target, 'nginx/nginx.pid')
  if (pid.isFile()) {
    ['kill', '-QUIT', pid.text.trim()].execute().waitFor()
  }
}
