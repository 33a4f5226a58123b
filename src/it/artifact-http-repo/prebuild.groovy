// Starts nginx serving target/http-repo (a Maven repository layout) on a free loopback port and
// writes settings that declare it as the repository `models`. verify.groovy stops it; so does the
// end of this JVM, should a build fail before verify.groovy runs.
def nginx = evaluate(new File(projectBasedir, 'src/it/nginx.groovy'))
String binary = nginx.binary()
if (binary == null) {
  throw new IllegalStateException('nginx is not installed (apt-get install nginx); the'
      + ' plugin build skips this IT when /usr/sbin/nginx is missing')
}
File target = new File(basedir, 'target')
File repo = new File(target, 'http-repo')
File dir = new File(target, 'nginx')
repo.mkdirs()
// an artifact damaged on the way: its checksum file does not match it (the consumer's repository
// has checksumPolicy fail, so Maven must refuse it)
File broken = new File(repo, 'com/acme/http/broken/1.0')
broken.mkdirs()
new File(broken, 'broken-1.0.h5').setText('these bytes were damaged on the way', 'UTF-8')
new File(broken, 'broken-1.0.h5.sha1').text = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'
int port = nginx.freePort()
File conf = nginx.conf(dir, port, '', """
  default_type application/octet-stream;
  types { text/xml xml pom; application/zip zip; text/plain sha1 md5 sha256 sha512; }""", """
    root ${repo};""")
Process start = [binary, '-p', dir.path, '-e', "${dir}/error.log", '-c', conf.path].execute()
start.waitForProcessOutput(System.out, System.err)
assert start.exitValue() == 0 : "nginx did not start: ${new File(dir, 'error.log').text}"
File pid = new File(dir, 'nginx.pid')
Runtime.runtime.addShutdownHook(new Thread({
  if (pid.isFile()) {
    ['kill', '-QUIT', pid.text.trim()].execute().waitFor()
  }
}))
new File(target, 'models-settings.xml').text = """<settings>
  <profiles>
    <profile>
      <id>models</id>
      <repositories>
        <repository>
          <id>models</id>
          <url>http://127.0.0.1:${port}/</url>
          <releases><checksumPolicy>fail</checksumPolicy></releases>
          <snapshots><enabled>true</enabled><checksumPolicy>fail</checksumPolicy></snapshots>
        </repository>
      </repositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>models</activeProfile></activeProfiles>
</settings>
"""
println "nginx ${binary} serves ${repo} on http://127.0.0.1:${port}/"
return true
