package io.tensorspace.convert.view;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tensorspace.convert.ConversionException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * Serves the converted models on 127.0.0.1 only: the files under the site folder, the preview's
 * scripts from a local {@link LibraryFolder} under {@value #LIBRARIES}, and under {@value #VERSION}
 * a number that grows with every reconversion. Preview pages get a small script that polls it and
 * reloads the page when it changes. Nothing outside the two folders is reachable, nor hidden files
 * (the converter's lock and staging folders).
 */
final class ViewServer implements AutoCloseable {
  static final String LIBRARIES = "/__libraries/";
  static final String VERSION = "/__version";
  private static final InetAddress LOOPBACK = loopback();
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "json", "application/json",
      "css", "text/css; charset=utf-8",
      "png", "image/png",
      "txt", "text/plain; charset=utf-8",
      "map", "application/json");

  private final Path site;
  private final LibraryFolder libraries;
  private final LongSupplier version;
  private final HttpServer server;
  private final ExecutorService threads;

  /**
   * Starts serving.
   *
   * @param site the folder served at {@code /}
   * @param libraries served under {@value #LIBRARIES}; null for none
   * @param version the number served at {@value #VERSION}
   * @param port the port on 127.0.0.1; 0 for a free one
   */
  ViewServer(Path site, LibraryFolder libraries, LongSupplier version, int port)
      throws IOException, ConversionException {
    this.site = site.toAbsolutePath().normalize();
    this.libraries = libraries;
    this.version = version;
    try {
      server = HttpServer.create(new InetSocketAddress(LOOPBACK, port), 0);
    } catch (BindException e) {
      throw new ConversionException("Cannot serve on " + LOOPBACK.getHostAddress() + ":" + port
          + " (" + e.getMessage() + "). Choose another port with -Dtensorspace.port, or 0 for a"
          + " free one.", e);
    }
    threads = Executors.newFixedThreadPool(4, task -> {
      Thread thread = new Thread(task, "tensorspace-view-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** 127.0.0.1 itself, also when the JVM prefers IPv6 (the loopback address would be ::1). */
  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e); // not thrown for an address of valid length
    }
  }

  /** The address of the site's root, e.g. {@code http://127.0.0.1:8765/}. */
  URI uri() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/");
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "txt", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (!fromThisHost(exchange)) {
        // a page of another site resolving its own name to 127.0.0.1 (DNS rebinding) gets nothing
        send(exchange, 403, "txt", "unknown Host\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.equals(VERSION)) {
        send(exchange, 200, "txt", Long.toString(version.getAsLong()).getBytes(StandardCharsets.UTF_8));
        return;
      }
      Optional<Path> file = path.startsWith(LIBRARIES) && libraries != null
          ? safe(path.substring(LIBRARIES.length())).flatMap(libraries::find)
          : safe(path.substring(1)).flatMap(this::siteFile);
      if (file.isPresent() && Files.isDirectory(file.get())) {
        // a folder's page loads its scripts relative to the folder: its URL must end with '/'
        exchange.getResponseHeaders().set("Location", path + "/");
        send(exchange, 301, "txt", new byte[0]);
      } else if (file.isPresent()) {
        sendFile(exchange, file.get());
      } else {
        send(exchange, 404, "txt", ("not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** Only requests naming this server by its loopback address or as localhost. */
  private boolean fromThisHost(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null) {
      return true; // HTTP/1.0 without Host: not a browser following a DNS name
    }
    int port = server.getAddress().getPort();
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.equals(LOOPBACK.getHostAddress() + ":" + port) || lower.equals("localhost:" + port);
  }

  /**
   * The path if every segment is a plain name: no {@code ..}, {@code .}, hidden name, backslash or
   * NUL. The decoded path is checked, so {@code %2e%2e} is refused too.
   */
  static Optional<String> safe(String relative) {
    for (String segment : relative.split("/", -1)) {
      if (segment.startsWith(".") || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0
          || segment.indexOf(':') >= 0) {
        return Optional.empty();
      }
    }
    return Optional.of(relative);
  }

  /** A file or folder under the site; a folder means its index.html when it has one. */
  private Optional<Path> siteFile(String relative) {
    Path file = site.resolve(relative).normalize();
    if (!file.startsWith(site) || !Files.exists(file)) {
      return Optional.empty();
    }
    if (Files.isDirectory(file) && (relative.isEmpty() || relative.endsWith("/"))) {
      Path index = file.resolve("index.html");
      return Files.isRegularFile(index) ? Optional.of(index) : Optional.empty();
    }
    return Optional.of(file);
  }

  private void sendFile(HttpExchange exchange, Path file) throws IOException {
    String name = file.getFileName().toString();
    String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    byte[] body;
    try {
      body = Files.readAllBytes(file);
    } catch (IOException e) {
      // replaced by a reconversion between the check and the read
      send(exchange, 404, "txt", ("gone: " + name + "\n").getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (extension.equals("html")) {
      body = ReloadScript.insert(new String(body, StandardCharsets.UTF_8), version.getAsLong())
          .getBytes(StandardCharsets.UTF_8);
    }
    send(exchange, 200, extension, body);
  }

  private static void send(HttpExchange exchange, int status, String extension, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type",
        TYPES.getOrDefault(extension, "application/octet-stream"));
    // a reconverted model keeps its file names: the browser must not keep the old ones
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
