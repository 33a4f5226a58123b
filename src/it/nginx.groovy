// nginx for the ITs that need an HTTP server (artifact-http-repo: a Maven repository; build-cache:
// a WebDAV remote cache). Their scripts evaluate this file, from the project's source folder
// (ITs run in clones of their own folders only), and use the map it gives:
//   def nginx = evaluate(new File(projectBasedir, 'src/it/nginx.groovy'))
[
  // the nginx binary's path, or null when nginx is not installed
  binary: { -> ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find { new File(it).canExecute() } },
  // a free loopback port
  freePort: { -> new ServerSocket(0, 1, InetAddress.getLoopbackAddress()).withCloseable { it.localPort } },
  // writes dir/nginx.conf (pid, logs and temporary files in dir; one server on 127.0.0.1:port)
  // with extra directives at the top, in http and in the server; returns the file
  conf: { File dir, int port, String top, String http, String server ->
    new File(dir, 'tmp').mkdirs()
    File conf = new File(dir, 'nginx.conf')
    conf.text = """${top}
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
${http}
  server {
    listen 127.0.0.1:${port};
${server}
  }
}
"""
    conf
  }
]
