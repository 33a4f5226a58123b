// The plugin as a citizen of the Maven Build Cache Extension, with a real remote cache: nginx with
// WebDAV on a free loopback port (GET restores, PUT saves), started here and stopped at the end.
//
// Two chains of builds run side by side, each in fresh copies of this project ("agents"):
// - documented: .mvn/maven-build-cache-config.xml is the one in README.md, and the POM follows the
//   README (the tfjs model given as its folder, the model under java.io.tmpdir named as a
//   maven.build.cache.input property, the SNAPSHOT model artifact also a provided dependency).
//   Agent 1 converts and uploads; agent 2, another folder with an empty local cache, restores
//   without converting and gets the same jar; then each stale case converts again.
// - bare: no cache config, the tfjs model given as model.json, no input property, no dependency:
//   each stale case restores the old build, which shows that the documented chain's cases test
//   something.
import groovy.transform.Field
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.security.MessageDigest
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.zip.ZipFile

long started = System.nanoTime()
@Field Path project = basedir.toPath()
@Field Path agents = project.resolve('agents')
@Field Path mnist = Path.of(tensorspaceModels, 'keras2-h5/tensorspace-keras-mnist/mnist.h5')
@Field Path abalone = Path.of(tensorspaceModels, 'tfjs-layers/tfjs-examples-abalone')
// two versions of a SNAPSHOT model artifact: two different Keras files
@Field List<Path> snapshots = [
    Path.of(tensorspaceModels, 'keras2-h5/dl4j-simple-sparse-xent-mlp-keras-2/simple_sparse_xent_mlp_keras_2_model.h5'),
    Path.of(tensorspaceModels, 'tfkeras-h5/dl4j-tfkeras-mlp-36/mlp_36.h5')]
@Field String readme = Files.readString(Path.of(projectBasedir, 'README.md'))
@Field String mvn = Path.of(System.getProperty('maven.home'), 'bin', 'mvn').toString()
@Field Path settings = agents.resolve('settings.xml')
Files.createDirectories(agents)
// SNAPSHOT model artifacts of an earlier run, which the agents' first builds would take as current
new File(localRepositoryPath.toString(), 'com/acme/models').deleteDir()
Files.writeString(settings, Files.readString(Path.of(projectBasedir, 'src/it/settings.xml'))
    .replace('@localRepositoryUrl@', Path.of(System.getProperty('user.home'), '.m2/repository').toUri().toString()))

/** The cache configuration of README.md's "Maven Build Cache Extension" section, verbatim. */
String documentedConfig() {
  String section = readme.substring(readme.indexOf('## Maven Build Cache Extension'))
  int start = section.indexOf('```xml\n<?xml') + 7
  String xml = section.substring(start, section.indexOf('```', start))
  assert xml.contains('<cache ') : 'README.md: no <cache> configuration in the Maven Build Cache Extension section'
  return xml
}

/** A fresh copy of this project for one agent; models copied in, tmp models and repository outside. */
Path agent(String name, boolean documented, Path tmpModels, Path repository) {
  Path dir = agents.resolve(name)
  copyTree(project.resolve('.mvn'), dir.resolve('.mvn'))
  copyTree(project.resolve('src'), dir.resolve('src'))
  Files.createDirectories(dir.resolve('src/main/models'))
  Files.copy(mnist, dir.resolve('src/main/models/mnist.h5'))
  copyTree(abalone, dir.resolve('src/main/models/abalone'))
  String pom = Files.readString(project.resolve('pom.xml')).replace('TMP_MODELS', tmpModels.toString())
      .replace('MODELS_REPO', repository.toUri().toString())
      .replace('MODEL_ID', modelId(repository))
  if (documented) {
    pom = pom.replace('ABALONE_SOURCE', 'src/main/models/abalone')
        .replace('<!--SNAPSHOT_DEPENDENCY-->', '<dependency><groupId>com.acme.models</groupId>'
            + "<artifactId>${modelId(repository)}</artifactId><version>1.0-SNAPSHOT</version><type>h5</type>"
            + '<scope>provided</scope></dependency>')
        .replace('<!--TMP_INPUT-->', '<maven.build.cache.input.shared>${tmp.models}/abalone</maven.build.cache.input.shared>')
    Files.writeString(dir.resolve('.mvn/maven-build-cache-config.xml'), documentedConfig())
  } else {
    pom = pom.replace('ABALONE_SOURCE', 'src/main/models/abalone/model.json')
  }
  Files.writeString(dir.resolve('pom.xml'), pom)
  return dir
}

void copyTree(Path from, Path to) {
  Files.walk(from).withCloseable { paths ->
    paths.each { p ->
      Path relative = from.relativize(p)
      Path target = to.resolve(relative.toString())
      if (relative.startsWith('reference')) {
        return // the corpus' reference activations are not part of the model
      }
      if (Files.isDirectory(p)) {
        Files.createDirectories(target)
      } else {
        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING)
      }
    }
  }
}

/** A tmp folder holding the abalone model, as a model downloaded by a script would be. */
Path tmpModels(String name) {
  Path dir = Files.createTempDirectory("tensorspace-build-cache-it-${name}-")
  copyTree(abalone, dir.resolve('abalone'))
  return dir
}

/** The SNAPSHOT model's artifactId: one per chain, as both share the local repository. */
String modelId(Path repository) {
  return "mlp-${repository.fileName}".toString()
}

/** Deploys a version of the SNAPSHOT model artifact into a file repository, as a team's CI would. */
void deploySnapshot(Path repository, int version) {
  Path log = agents.resolve("${repository.fileName}-deploy-${version}.log")
  List<String> command = [mvn, '-B', '-s', settings.toString(), '-Dmaven.build.cache.enabled=false',
      "-Dmaven.repo.local=${localRepositoryPath}".toString(),
      'org.apache.maven.plugins:maven-deploy-plugin:3.1.4:deploy-file',
      "-Dfile=${snapshots[version]}".toString(), '-DgroupId=com.acme.models', "-DartifactId=${modelId(repository)}".toString(),
      '-Dversion=1.0-SNAPSHOT', '-Dpackaging=h5', "-Durl=${repository.toUri()}".toString()]
  Files.createDirectories(repository)
  int exit = new ProcessBuilder(command).directory(repository.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor()
  assert exit == 0 : "${log.fileName}: deploy-file failed:\n${Files.readString(log).readLines().takeRight(30).join('\n')}"
}

/** Changes one weight of a TensorFlow.js model (the low byte of its first float32). */
void changeWeight(Path modelFolder) {
  Path weights = modelFolder.resolve('weights.bin')
  byte[] bytes = Files.readAllBytes(weights)
  bytes[0] = (byte) (bytes[0] ^ 1)
  Files.write(weights, bytes)
}

/** Runs `mvn clean package` in an agent folder with its own local cache; returns the log. */
String build(Path dir, String step, String remoteUrl, List<String> args = []) {
  Path log = agents.resolve("${dir.fileName}-${step}.log")
  List<String> command = [mvn, '-B', '-s', settings.toString(),
      "-Dmaven.repo.local=${localRepositoryPath}".toString(),
      "-Dmaven.build.cache.location=${dir.resolveSibling(dir.fileName.toString() + '-cache')}".toString(),
      "-Dtensorspace.models=${tensorspaceModels}".toString()]
  if (remoteUrl != null) {
    command << "-Dmaven.build.cache.remote.url=${remoteUrl}".toString()
  }
  command.addAll(args)
  command.addAll(['clean', 'package'])
  ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile())
  pb.environment().put('MAVEN_OPTS', '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC')
  int exit = pb.start().waitFor()
  String text = Files.readString(log)
  assert exit == 0 : "${log.fileName}: mvn failed (exit ${exit}):\n${text.readLines().takeRight(40).join('\n')}"
  return text
}

boolean converted(String log, String model) {
  return log.contains("TensorSpace model '${model}' from ")
}

void assertConverted(String log, String model, String step) {
  assert converted(log, model) : "${step}: model '${model}' was not converted again:\n${cacheLines(log)}"
}

void assertRestored(String log, String step) {
  assert log =~ /Found cached build, restoring io\.tensorspace\.it:build-cache from cache/ &&
      log.contains('Skipping plugin execution (cached): tensorspace:preprocess') &&
      !log.contains("TensorSpace model '") : "${step}: not restored from the cache:\n${cacheLines(log)}"
}

/** The extension's and the plugin's lines of a log, for failure messages and the report. */
String cacheLines(String log) {
  return log.readLines().findAll {
    it =~ /checksum|restor|Restor|cached|mismatch|remote cache|Downloading http|TensorSpace|WARN|ERROR/
  }.join('\n')
}

List<String> jarEntries(Path dir) {
  new ZipFile(dir.resolve('target/build-cache-1.0-SNAPSHOT.jar').toFile()).withCloseable { zip ->
    zip.entries().collect { it.name }
  }
}

String sha256(Path file) {
  MessageDigest.getInstance('SHA-256').digest(Files.readAllBytes(file)).encodeHex().toString()
}

// ---- the remote cache: nginx with WebDAV PUT on a free loopback port --------------------------
Path nginxDir = agents.resolve('nginx')
Files.createDirectories(nginxDir.resolve('www'))
def nginx = evaluate(new File(projectBasedir, 'src/it/nginx.groovy'))
int port = nginx.freePort()
nginx.conf(nginxDir.toFile(), port, """
user ${System.getProperty('user.name')};
daemon off;""", '', """
    root ${nginxDir}/www;
    client_max_body_size 0;
    location / {
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }""")
// `timeout` ends nginx even if this script never reaches its finally block
Process server = new ProcessBuilder('timeout', '300', nginx.binary(), '-e', "${nginxDir}/error.log".toString(),
    '-p', nginxDir.toString(), '-c', nginxDir.resolve('nginx.conf').toString())
    .redirectErrorStream(true).redirectOutput(nginxDir.resolve('stdout.log').toFile()).start()
List<Path> tmpFolders = Collections.synchronizedList([])
def pool = Executors.newFixedThreadPool(2)
try {
  long deadline = System.currentTimeMillis() + 10_000
  while (true) {
    try {
      new Socket(InetAddress.getLoopbackAddress(), port).close()
      break
    } catch (IOException e) {
      assert server.alive && System.currentTimeMillis() < deadline :
          "nginx did not start on port ${port}: ${Files.readString(nginxDir.resolve('error.log'))}"
      Thread.sleep(100)
    }
  }
  String remote = "http://127.0.0.1:${port}/cache"
  List<String> report = []

  // ---- documented chain ----
  Callable documented = {
    Path tmp = tmpModels('documented')
    tmpFolders << tmp
    Path repository = agents.resolve('documented-repo')
    deploySnapshot(repository, 0)
    Path agent1 = agent('agent1', true, tmp, repository)
    String log = build(agent1, 'convert-upload', remote, ['-Dmaven.build.cache.remote.save.enabled=true'])
    ['lenet', 'abalone', 'snapshot', 'shared'].each { assertConverted(log, it, 'agent 1') }
    assert log =~ /Saved to remote cache http:\/\/127\.0\.0\.1:${port}\/cache\/.*buildinfo\.xml/ :
        "agent 1 did not upload its build:\n${cacheLines(log)}"
    assert !log.contains('[WARNING] TensorSpace model') : "agent 1 warned although configured as documented:\n${cacheLines(log)}"
    report << "agent 1 (converts, uploads):\n${cacheLines(log)}"

    Path agent2 = agent('agent2', true, tmp, repository)
    log = build(agent2, 'restore', remote)
    assertRestored(log, 'agent 2')
    assert log.contains("Downloading ${remote}/") : "agent 2 did not use the remote cache:\n${cacheLines(log)}"
    assert sha256(agent2.resolve('target/build-cache-1.0-SNAPSHOT.jar')) ==
        sha256(agent1.resolve('target/build-cache-1.0-SNAPSHOT.jar')) : 'agent 2 built another jar than agent 1'
    assert jarEntries(agent2).containsAll(['static/models/lenet/model.json', 'static/models/abalone/model.json',
        'static/models/shared/group1-shard1of1.bin'])
    report << "agent 2 (restores from the remote cache):\n${cacheLines(log)}"

    log = build(agent2, 'quantize', remote, ['-Dtensorspace.quantize=uint8'])
    assert log.contains('Plugin parameter mismatch found. Parameter: quantize, expected: none, actual: uint8')
    assertConverted(log, 'lenet', '-Dtensorspace.quantize=uint8')
    report << "agent 2, -Dtensorspace.quantize=uint8:\n${cacheLines(log)}"

    changeWeight(agent2.resolve('src/main/models/abalone'))
    log = build(agent2, 'shards', remote)
    assertConverted(log, 'abalone', 'a changed shard')
    report << "agent 2, a changed weight shard:\n${cacheLines(log)}"

    changeWeight(tmp.resolve('abalone'))
    log = build(agent2, 'tmpdir', remote)
    assertConverted(log, 'shared', 'a changed model under java.io.tmpdir')
    report << "agent 2, a changed model under java.io.tmpdir:\n${cacheLines(log)}"

    deploySnapshot(repository, 1)
    log = build(agent2, 'snapshot', remote, ['-U'])
    assertConverted(log, 'snapshot', 'a new SNAPSHOT of the model artifact')
    report << "agent 2, a new SNAPSHOT of the model artifact (-U):\n${cacheLines(log)}"

    Files.writeString(agent2.resolve('src/main/resources/build.txt'), 'build 2\n')
    log = build(agent2, 'skipped', remote, ['-Dtensorspace.skip=true'])
    assert log.contains('TensorSpace preprocessing skipped')
    log = build(agent2, 'after-skip', remote)
    assert log.contains('Plugin parameter mismatch found. Parameter: skip, expected: true, actual: false')
    assertConverted(log, 'lenet', 'a normal build after a skipped one')
    assert jarEntries(agent2).contains('static/models/lenet/model.json')
    report << "agent 2, a normal build after a skipped one:\n${cacheLines(log)}"
    return report
  } as Callable<List<String>>

  // ---- bare chain: what the documented configuration prevents ----
  Callable bare = {
    List<String> bareReport = []
    Path tmp = tmpModels('bare')
    tmpFolders << tmp
    Path repository = agents.resolve('bare-repo')
    deploySnapshot(repository, 0)
    Path agent3 = agent('agent3', false, tmp, repository)
    String log = build(agent3, 'convert', null)
    assertConverted(log, 'abalone', 'bare agent')
    assert log =~ /WARNING.*'snapshot'.*keys <artifact>com\.acme\.models:mlp-bare-repo:1\.0-SNAPSHOT:h5<\/artifact> by its coordinates/ :
        "no warning for the SNAPSHOT artifact:\n${cacheLines(log)}"
    assert !(log =~ /WARNING.*'(lenet|snapshot)'.*does not see/) : "a warning for a model the key covers:\n${cacheLines(log)}"
    assert log =~ /WARNING.*'abalone'.*Build Cache Extension does not see.*weights\.bin/ :
        "no warning for the model.json source:\n${cacheLines(log)}"
    assert log =~ /WARNING.*'shared'.*Build Cache Extension does not see/ :
        "no warning for the source under java.io.tmpdir:\n${cacheLines(log)}"
    bareReport << "bare agent, first build (the plugin warns):\n${cacheLines(log)}"

    // all stale cases in one build: restored means the key saw none of them
    changeWeight(agent3.resolve('src/main/models/abalone'))
    changeWeight(tmp.resolve('abalone'))
    deploySnapshot(repository, 1)
    log = build(agent3, 'stale', null, ['-U', '-Dtensorspace.quantize=uint8'])
    assertRestored(log, 'bare: -Dtensorspace.quantize=uint8, a changed shard, a changed model under java.io.tmpdir, a new SNAPSHOT')
    bareReport << "bare agent, -Dtensorspace.quantize=uint8, a changed shard, a changed model under java.io.tmpdir and a new SNAPSHOT of the model artifact (-U) (stale):\n${cacheLines(log)}"
    Files.writeString(agent3.resolve('src/main/resources/build.txt'), 'build 2\n')
    build(agent3, 'skipped', null, ['-Dtensorspace.skip=true'])
    log = build(agent3, 'after-skip', null)
    assertRestored(log, 'bare: a normal build after a skipped one')
    assert !jarEntries(agent3).contains('static/models/lenet/model.json')
    bareReport << "bare agent, a normal build after a skipped one (stale, no model in the jar):\n${cacheLines(log)}"
    return bareReport
  } as Callable<List<String>>

  // invokeAll, not submit: a Closure is a Runnable too, and submit(Runnable) returns nothing
  List<String> all = pool.invokeAll([documented, bare]).collectMany { it.get() }
  Files.writeString(agents.resolve('report.txt'), all.join('\n\n') + '\n')
  println "build-cache IT: ${all.size()} scenarios in ${(System.nanoTime() - started).intdiv(1_000_000_000)} s; logs in ${agents}"
} finally {
  pool.shutdownNow()
  server.destroy()
  server.waitFor()
  Path pid = nginxDir.resolve('nginx.pid')
  if (Files.exists(pid)) {
    new ProcessBuilder('kill', '-TERM', Files.readString(pid).trim()).start().waitFor()
  }
  tmpFolders.each { dir -> dir.toFile().deleteDir() }
}
return true
