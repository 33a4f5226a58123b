package io.tensorspace.convert.view;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 requests written byte for byte on a socket: a client library would normalise
 * {@code ..} and percent escapes away before the server could refuse them.
 */
final class RawHttp {
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {}

  static Response get(URI server, String rawPath) throws IOException {
    return request(server, "GET", rawPath, server.getHost() + ":" + server.getPort());
  }

  static Response request(URI server, String method, String rawPath, String host)
      throws IOException {
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      String head = method + " " + rawPath + " HTTP/1.1\r\n"
          + (host == null ? "" : "Host: " + host + "\r\n") + "Connection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] all = in.readAllBytes();
      return parse(all);
    }
  }

  private static Response parse(byte[] all) {
    int end = 0;
    while (end + 3 < all.length
        && !(all[end] == '\r' && all[end + 1] == '\n' && all[end + 2] == '\r' && all[end + 3] == '\n')) {
      end++;
    }
    String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] body = end + 4 <= all.length ? Arrays.copyOfRange(all, end + 4, all.length) : new byte[0];
    return new Response(status, headers, body);
  }
}
