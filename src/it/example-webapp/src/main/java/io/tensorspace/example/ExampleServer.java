package io.tensorspace.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Serves the jar's {@code static/} folder (the page, TensorSpace and its libraries, the converted
 * LeNet) on http://localhost:PORT/. Usage: {@code java -jar example-webapp-1.0-SNAPSHOT.jar [port]}
 * (default 8080; 0 picks a free port). Prints the URL once it listens.
 */
public final class ExampleServer {
  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/", ExampleServer::handle);
    server.start();
    System.out.println("TensorSpace example: http://localhost:" + server.getAddress().getPort() + "/");
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.endsWith("/")) {
        path += "index.html";
      }
      InputStream in = path.contains("..") ? null
          : ExampleServer.class.getResourceAsStream("/static" + path);
      if (in == null) {
        byte[] body = ("Not found: " + path).getBytes();
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      try (in) {
        byte[] body = in.readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", type(path));
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static String type(String path) {
    if (path.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (path.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (path.endsWith(".json")) {
      return "application/json";
    }
    if (path.endsWith(".png")) {
      return "image/png";
    }
    return "application/octet-stream";
  }
}
