package io.tensorspace.convert.tfjs;

import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.json.JsonSyntaxException;
import io.tensorspace.convert.json.JsonTokenizer;
import io.tensorspace.convert.json.JsonTokenizer.Token;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * What format detection and the up-to-date check need of a TensorFlow.js model.json, read with a
 * tokenizer: its {@code format}, the keys of its {@code modelTopology} and the weight file
 * paths of its {@code weightsManifest} (or of a 0.x graph's bare manifest array). Building the
 * whole tree for these (hundreds of layers) cost as much as reading the model. A repeated key
 * keeps its first place and its last value, as in a tree, and a value is read as text as a
 * Jackson tree's {@code asText} would.
 */
public final class ModelJsonOutline {
  /**
   * Outlines read lately, by absolute path: format detection (on the converting thread and on
   * {@code FirstUse}'s), the up-to-date check and the reader each ask for the same file's outline,
   * and tokenizing a deep model's model.json costs milliseconds where reading and checksumming
   * its bytes costs a tenth of one. An entry counts only for the same bytes (length and CRC-32).
   */
  private static final Map<Path, Recent> RECENT = new ConcurrentHashMap<>();
  private static final int MAX_RECENT = 64;

  private boolean object;
  private String format;
  private boolean topologyObject;
  private Set<String> topologyKeys = Set.of();
  private boolean nodeArray;
  private List<String> manifestPaths = List.of();

  private ModelJsonOutline() {}

  /** The outline of {@code file}, or null when it is not JSON. */
  public static ModelJsonOutline read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = JsonTokenizer.fileBytes(file);
    } catch (JsonSyntaxException e) {
      return null; // over 2 GiB: no model.json, whatever it is
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    Path key = file.toAbsolutePath().normalize();
    Recent recent;
    // looked up and replaced in one step: threads asking at once share one entry and one parse
    synchronized (RECENT) {
      recent = RECENT.get(key);
      if (recent == null || recent.length != bytes.length || recent.crc != crc.getValue()) {
        if (RECENT.size() >= MAX_RECENT) {
          RECENT.clear();
        }
        recent = new Recent(bytes.length, crc.getValue());
        RECENT.put(key, recent);
      }
    }
    return recent.outline(bytes);
  }

  private static ModelJsonOutline parse(byte[] bytes) throws IOException {
    try {
      JsonTokenizer parser = JsonTokenizer.of(bytes);
      ModelJsonOutline outline = new ModelJsonOutline();
      Token root = parser.next();
      if (root == Token.START_ARRAY) {
        outline.manifestPaths = manifestPaths(parser);
      } else if (root == Token.START_OBJECT) {
        outline.object = true;
        outline.readTopLevel(parser);
      }
      return outline;
    } catch (JsonSyntaxException e) {
      // not JSON, or bytes whose encoding detection reads as broken UTF-32 (found by fuzzing)
      return null;
    }
  }

  /**
   * The outline of one content, read by the first thread that asks while the others wait for it.
   * A failed read is not kept, so each caller sees its own exception.
   */
  private static final class Recent {
    private final int length;
    private final long crc;
    private boolean read;
    private ModelJsonOutline outline;

    Recent(int length, long crc) {
      this.length = length;
      this.crc = crc;
    }

    synchronized ModelJsonOutline outline(byte[] bytes) throws IOException {
      if (!read) {
        outline = parse(bytes);
        read = true;
      }
      return outline;
    }
  }

  /** Whether this is a tfjs layers model: its format says so, or its topology is a Keras model. */
  public boolean isLayersModel() {
    String declared = format == null ? "" : format;
    if (!object || !declared.isEmpty()) {
      return declared.equals("layers-model");
    }
    return topologyObject && !topologyKeys.contains("node")
        && (topologyKeys.contains("model_config") || topologyKeys.contains("class_name"));
  }

  /** Whether this is a tfjs graph model: a topology with a node list, not declared a layers model. */
  public boolean isGraphModel() {
    return object && topologyObject && nodeArray && !"layers-model".equals(format);
  }

  /** The paths {@code weightsManifest} lists, in order; not resolved or checked. */
  public List<String> manifestPaths() {
    return manifestPaths;
  }

  private void readTopLevel(JsonTokenizer parser) throws IOException {
    while (parser.next() == Token.NAME) {
      String key = parser.text();
      Token value = parser.next();
      switch (key) {
        case "format" -> format = text(parser, value);
        case "modelTopology" -> readTopology(parser, value);
        case "weightsManifest" -> manifestPaths = manifestPaths(parser);
        default -> parser.skipChildren();
      }
    }
  }

  private void readTopology(JsonTokenizer parser, Token value) throws IOException {
    topologyObject = value == Token.START_OBJECT;
    Set<String> keys = new HashSet<>();
    topologyKeys = keys;
    nodeArray = false;
    if (!topologyObject) {
      parser.skipChildren();
      return;
    }
    while (parser.next() == Token.NAME) {
      String key = parser.text();
      keys.add(key);
      Token child = parser.next();
      if (key.equals("node")) {
        nodeArray = child == Token.START_ARRAY;
      }
      parser.skipChildren();
    }
  }

  /**
   * The paths of a manifest (an array or object of groups), unmodifiable; the parser is at its
   * value.
   */
  private static List<String> manifestPaths(JsonTokenizer parser) throws IOException {
    Map<Object, List<String>> groups = new LinkedHashMap<>();
    if (parser.current().isStructStart()) {
      for (Object at = next(parser, 0); at != null; at = next(parser, groups.size())) {
        groups.put(at, groupPaths(parser));
      }
    }
    List<String> paths = new ArrayList<>();
    for (List<String> group : groups.values()) {
      paths.addAll(group);
    }
    return List.copyOf(paths); // unmodifiable: threads share an outline
  }

  /** The {@code paths} of one group (none when it is no object); the parser is at its value. */
  private static List<String> groupPaths(JsonTokenizer parser) throws IOException {
    if (parser.current() != Token.START_OBJECT) {
      parser.skipChildren();
      return List.of();
    }
    List<String> paths = List.of();
    while (parser.next() == Token.NAME) {
      String key = parser.text();
      parser.next();
      if (key.equals("paths")) {
        paths = paths(parser);
      } else {
        parser.skipChildren();
      }
    }
    return paths;
  }

  /** The scalar elements (array) or values (object) as text; nested containers are no path. */
  private static List<String> paths(JsonTokenizer parser) throws IOException {
    Map<Object, String> texts = new LinkedHashMap<>();
    if (parser.current().isStructStart()) {
      for (Object at = next(parser, 0); at != null; at = next(parser, texts.size())) {
        Token element = parser.current();
        String text = element.isScalar() ? text(parser, element) : null;
        texts.put(at, element == Token.NULL ? "null" : text);
        parser.skipChildren();
      }
    }
    List<String> paths = new ArrayList<>();
    for (String text : texts.values()) {
      if (text != null) {
        paths.add(text);
      }
    }
    return paths;
  }

  /**
   * Moves to the next value of the array or object the parser is in and gives its place: its key,
   * or {@code index} in an array; null at the container's end. A key an object repeats gives the
   * same place again, so a map of places keeps its first place and last value, as a tree does.
   */
  private static Object next(JsonTokenizer parser, int index) throws IOException {
    Token token = parser.next();
    if (token == Token.NAME) {
      String key = parser.text();
      parser.next();
      return key;
    }
    return token == Token.END_ARRAY || token == Token.END_OBJECT ? null : index;
  }

  /**
   * A scalar as a tree's {@code asText} gives it, null for JSON null; "" for a container. A string
   * is its text as it is, so that an outline of strings needs none of Jackson's tree classes.
   */
  private static String text(JsonTokenizer parser, Token value) throws IOException {
    if (value == Token.STRING) {
      return parser.text();
    }
    if (value == Token.NULL) {
      return null;
    }
    if (value.isScalar()) {
      return Json.scalar(parser, value).asText();
    }
    parser.skipChildren();
    return "";
  }
}
