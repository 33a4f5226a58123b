package io.tensorspace.convert.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.tensorspace.PreviewPageWriter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewServerTest {
  static final Path NODE_MODULES = Path.of("src", "test", "browser", "node_modules").toAbsolutePath();

  @TempDir Path root;
  private final String secret = "SECRET-" + UUID.randomUUID();
  private final AtomicLong version = new AtomicLong(7);
  private final List<ViewServer> servers = new ArrayList<>();
  private Path site;

  @BeforeEach
  void site() throws IOException {
    site = Files.createDirectories(root.resolve("site"));
    Files.writeString(site.resolve("index.html"), "<html><body><p>page</p></body></html>");
    Files.writeString(site.resolve("model.json"), "{\"format\":\"layers-model\"}");
    Files.writeString(site.resolve("tensorspace-model.js"), "var x = 1;");
    Files.write(site.resolve("group1-shard1of1.bin"), new byte[] {1, 2, 3, 4});
    Files.write(site.resolve("shot.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Files.createDirectories(site.resolve("sub"));
    Files.writeString(site.resolve("sub/index.html"), "<p>sub</p>");
    Files.writeString(site.resolve("sub/.hidden"), secret);
    Files.writeString(site.resolve(".hidden"), secret);
    Files.writeString(site.resolve(".site.lock"), secret);
    Files.writeString(root.resolve("secret.txt"), secret);
    Files.writeString(root.resolve("libs-secret.txt"), secret);
  }

  @AfterEach
  void stop() {
    servers.forEach(ViewServer::close);
  }

  private ViewServer serve(LibraryFolder libraries, int port) throws Exception {
    ViewServer server = new ViewServer(site, libraries, version::get, port);
    servers.add(server);
    return server;
  }

  @Test
  void listensOnTheLoopbackAddressOnly() throws Exception {
    URI uri = serve(null, 0).uri();
    assertEquals("127.0.0.1", uri.getHost());
    assertEquals(200, RawHttp.get(uri, "/").status());
    List<InetAddress> others = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (!address.isLoopbackAddress() && address instanceof Inet4Address) {
          others.add(address);
        }
      }
    }
    for (InetAddress other : others) {
      try (Socket socket = new Socket()) {
        assertThrows(ConnectException.class,
            () -> socket.connect(new InetSocketAddress(other, uri.getPort()), 2000),
            "reachable on " + other);
      }
    }
    // 127.0.0.2 is loopback too, but not the address the server is bound to
    try (Socket socket = new Socket()) {
      assertThrows(IOException.class, () -> socket.connect(
          new InetSocketAddress(InetAddress.getByName("127.0.0.2"), uri.getPort()), 2000));
    }
  }

  @Test
  void portZeroPicksAFreePortAndATakenPortIsAClearError() throws Exception {
    int first = serve(null, 0).uri().getPort();
    int second = serve(null, 0).uri().getPort();
    assertTrue(first > 0 && second > 0);
    assertNotEquals(first, second);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ConversionException e = assertThrows(ConversionException.class,
          () -> serve(null, taken.getLocalPort()));
      assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
      assertTrue(e.getMessage().contains("-Dtensorspace.port"), e.getMessage());
    }
  }

  @Test
  void nothingOutsideTheFoldersNorHiddenIsServed() throws Exception {
    Path libs = Files.createDirectories(root.resolve("libs"));
    mirror(libs);
    URI uri = serve(LibraryFolder.of(libs), 0).uri();
    String outside = root.resolve("secret.txt").toString();
    List<String> attacks = List.of(
        "/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/%2e%2e%2fsecret.txt", "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
        "/./../secret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt", "/..%5csecret.txt",
        "/sub/..%2f..%2fsecret.txt", "//../secret.txt", "/%252e%252e/secret.txt",
        "/" + outside, "//" + outside, "/%2f" + outside.substring(1), "/.hidden", "/.site.lock",
        "/sub/.hidden", "/%2ehidden", "/sub/%2ehidden", "/%00", "/index.html%00.js",
        "/__libraries/../secret.txt", "/__libraries/%2e%2e/secret.txt",
        "/__libraries/../libs-secret.txt", "/__libraries/%2e%2e%2flibs-secret.txt",
        "/__libraries/three@0.102.1/../../secret.txt",
        "/__libraries/three@0.102.1/%2e%2e/%2e%2e/secret.txt",
        "/__libraries/..%2f..%2fsecret.txt", "/__libraries/three@0.102.1/" + outside,
        "/__libraries/three@0.102.1//" + outside,
        "http://127.0.0.1:" + uri.getPort() + "/../secret.txt");
    for (String attack : attacks) {
      RawHttp.Response response = RawHttp.get(uri, attack);
      assertNotEquals(200, response.status(), attack);
      assertFalse(response.text().contains(secret), attack + " leaked the file");
    }
    // the same server does serve what it should
    assertEquals(200, RawHttp.get(uri, "/model.json").status());
    assertEquals(200, RawHttp.get(uri, "/__libraries/three@0.102.1/build/three.min.js").status());
  }

  @Test
  void filesGoOutWithTheirContentTypeAndUncached() throws Exception {
    URI uri = serve(null, 0).uri();
    Map<String, String> types = Map.of(
        "/", "text/html; charset=utf-8",
        "/index.html", "text/html; charset=utf-8",
        "/sub/", "text/html; charset=utf-8",
        "/model.json", "application/json",
        "/tensorspace-model.js", "text/javascript; charset=utf-8",
        "/group1-shard1of1.bin", "application/octet-stream",
        "/shot.png", "image/png",
        ViewServer.VERSION, "text/plain; charset=utf-8");
    for (Map.Entry<String, String> entry : types.entrySet()) {
      RawHttp.Response response = RawHttp.get(uri, entry.getKey());
      assertEquals(200, response.status(), entry.getKey());
      assertEquals(entry.getValue(), response.header("Content-Type"), entry.getKey());
      assertEquals("no-store", response.header("Cache-Control"), entry.getKey());
      assertEquals("nosniff", response.header("X-Content-Type-Options"), entry.getKey());
    }
    assertEquals(List.of(1, 2, 3, 4), bytes(RawHttp.get(uri, "/group1-shard1of1.bin").body()));
    assertEquals("{\"format\":\"layers-model\"}", RawHttp.get(uri, "/model.json").text());
  }

  @Test
  void pagesGetTheReloadScriptWithTheCurrentVersion() throws Exception {
    URI uri = serve(null, 0).uri();
    assertEquals("7", RawHttp.get(uri, ViewServer.VERSION).text());
    String page = RawHttp.get(uri, "/").text();
    assertTrue(page.startsWith("<html><body><p>page</p>"), page);
    assertTrue(page.contains("var shown = \"7\""), page);
    assertTrue(page.indexOf(ViewServer.VERSION) < page.indexOf("</body>"), page);
    version.set(8);
    assertEquals("8", RawHttp.get(uri, ViewServer.VERSION).text());
    assertTrue(RawHttp.get(uri, "/sub/").text().contains("var shown = \"8\""));
    // scripts and data are sent as they are on disk
    assertEquals("var x = 1;", RawHttp.get(uri, "/tensorspace-model.js").text());
  }

  @Test
  void requestsOtherThanGetOrHeadOrFromAnotherHostAreRefused() throws Exception {
    URI uri = serve(null, 0).uri();
    String host = "127.0.0.1:" + uri.getPort();
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH")) {
      RawHttp.Response response = RawHttp.request(uri, method, "/index.html", host);
      assertEquals(405, response.status(), method);
      assertEquals("GET, HEAD", response.header("Allow"), method);
    }
    RawHttp.Response head = RawHttp.request(uri, "HEAD", "/model.json", host);
    assertEquals(200, head.status());
    assertEquals(0, head.body().length);
    assertEquals(200, RawHttp.request(uri, "GET", "/", "localhost:" + uri.getPort()).status());
    for (String other : List.of("evil.example:" + uri.getPort(), "127.0.0.1", "localhost",
        "127.0.0.1:1", "attacker.test", "127.0.0.1.nip.io:" + uri.getPort())) {
      assertEquals(403, RawHttp.request(uri, "GET", "/model.json", other).status(), other);
    }
  }

  @Test
  void aFolderWithoutTrailingSlashIsRedirectedSoItsPageFindsItsScripts() throws Exception {
    URI uri = serve(null, 0).uri();
    RawHttp.Response response = RawHttp.get(uri, "/sub");
    assertEquals(301, response.status());
    assertEquals("/sub/", response.header("Location"));
    assertEquals(404, RawHttp.get(uri, "/missing.js").status());
    assertEquals(404, RawHttp.get(uri, "/__libraries/three@0.102.1/build/three.min.js").status(),
        "no libraries folder, nothing served under " + ViewServer.LIBRARIES);
  }

  @Test
  void librariesComeFromANodeModulesFolderOrAMirrorOfTheCdn() throws Exception {
    Path mirror = Files.createDirectories(root.resolve("mirror"));
    mirror(mirror);
    for (LibraryFolder folder : List.of(LibraryFolder.of(NODE_MODULES), LibraryFolder.of(mirror))) {
      URI uri = serve(folder, 0).uri();
      for (String library : PreviewPageWriter.LIBRARIES) {
        RawHttp.Response response = RawHttp.get(uri, ViewServer.LIBRARIES + library);
        assertEquals(200, response.status(), library);
        assertEquals("text/javascript; charset=utf-8", response.header("Content-Type"), library);
        assertTrue(response.body().length > 100, library);
      }
    }
  }

  @Test
  void aLibrariesFolderWithoutEveryScriptOrWithOtherVersionsIsRefusedByName() throws Exception {
    for (String library : PreviewPageWriter.LIBRARIES) {
      Path folder = Files.createDirectories(root.resolve("partial-" + PreviewPageWriter.LIBRARIES.indexOf(library)));
      mirror(folder);
      Files.delete(folder.resolve(library));
      ConversionException e = assertThrows(ConversionException.class, () -> LibraryFolder.of(folder));
      assertTrue(e.getMessage().contains(library), e.getMessage());
    }
    // node_modules layout with another version of three.js than TensorSpace 0.6.1 needs
    Path modules = Files.createDirectories(root.resolve("node_modules"));
    for (String library : PreviewPageWriter.LIBRARIES) {
      int at = library.indexOf('@', 1);
      String pkg = library.substring(0, at);
      String version = library.substring(at + 1, library.indexOf('/', at));
      Path file = modules.resolve(pkg).resolve(library.substring(library.indexOf('/', at) + 1));
      Files.createDirectories(file.getParent());
      Files.writeString(file, "// " + library);
      Files.writeString(modules.resolve(pkg).resolve("package.json"),
          "{\"version\":\"" + (pkg.equals("three") ? "0.150.0" : version) + "\"}");
    }
    ConversionException e = assertThrows(ConversionException.class, () -> LibraryFolder.of(modules));
    assertTrue(e.getMessage().contains("three@0.102.1"), e.getMessage());
    assertThrows(ConversionException.class, () -> LibraryFolder.of(root.resolve("absent")));
  }

  /** Copies the scripts from node_modules into the CDN's {@code <package>@<version>/} layout. */
  static void mirror(Path folder) throws IOException {
    for (String library : PreviewPageWriter.LIBRARIES) {
      int at = library.indexOf('@', 1);
      String pkg = library.substring(0, at);
      String file = library.substring(library.indexOf('/', at) + 1);
      Path target = folder.resolve(library);
      Files.createDirectories(target.getParent());
      Files.copy(NODE_MODULES.resolve(pkg).resolve(file), target);
    }
  }

  private static List<Integer> bytes(byte[] body) {
    List<Integer> list = new ArrayList<>();
    for (byte b : body) {
      list.add((int) b);
    }
    return list;
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
