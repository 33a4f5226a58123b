// Runs the IT only where nginx (with its WebDAV module) can serve the remote build cache.
def nginx = evaluate(new File(projectBasedir, 'src/it/nginx.groovy')).binary()
if (nginx == null) {
  println 'build-cache IT SKIPPED: nginx is not installed (apt-get install -y nginx; .ci/run does it).'
  return false
}
def version = new ProcessBuilder(nginx, '-V').redirectErrorStream(true).start().text
if (!version.contains('--with-http_dav_module')) {
  println "build-cache IT SKIPPED: ${nginx} has no WebDAV module (http_dav_module); Debian's nginx has it."
  return false
}
return true
