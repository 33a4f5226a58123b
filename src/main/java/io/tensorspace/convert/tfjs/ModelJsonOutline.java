package io.tensorspace.convert.tfjs;

import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.json.JsonSyntaxException;
import io.tensorspace.convert.json.JsonTokenizer;
import io.tensorspace.convert.json.JsonTokenizer.Token;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
 * keeps its last value, and a value is read as text as a Jackson tree's {@code asText} would.
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
      bytes = Json.fileBytes(file);
    } catch (JsonSyntaxException e) {
      return null; // over 2 GiB: no model.json, whatever it is
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    Path key = file.toAbsolutePath().normalize();
    Recent recent = RECENT.get(key);
    if (recent == null || recent.length != bytes.length || recent.crc != crc.getValue()) {
      if (RECENT.size() >= MAX_RECENT) {
        RECENT.clear();
      }
      recent = new Recent(bytes.length, crc.getValue());
      RECENT.put(key, recent);
    }
    return recent.outline(bytes);
  }

  private static ModelJsonOutline parse(byte[] bytes) throws IOException {
    try {
      JsonTokenizer parser = JsonTokenizer.of(bytes);
      ModelJsonOutline outline = new ModelJsonOutline();
      Token root = parser.next();
      if (root == Token.START_ARRAY) {
        outline.manifestPaths = List.copyOf(manifestPaths(parser));
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
        case "weightsManifest" -> manifestPaths = List.copyOf(manifestPaths(parser));
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

  /** The paths of a manifest (an array or object of groups); the parser is at its value. */
  private static List<String> manifestPaths(JsonTokenizer parser) throws IOException {
    List<String> paths = new ArrayList<>();
    if (!parser.current().isStructStart()) {
      return paths;
    }
    Token end = parser.current() == Token.START_ARRAY
        ? Token.END_ARRAY : Token.END_OBJECT;
    for (Token group = nextValue(parser); group != end; group = nextValue(parser)) {
      if (group == Token.START_OBJECT) {
        paths.addAll(groupPaths(parser));
      } else {
        parser.skipChildren();
      }
    }
    return paths;
  }

  /** The {@code paths} of one group; the parser is at the group's start. */
  private static List<String> groupPaths(JsonTokenizer parser) throws IOException {
    List<String> paths = List.of();
    while (parser.next() == Token.NAME) {
      String key = parser.text();
      Token value = parser.next();
      if (key.equals("paths") && value.isStructStart()) {
        paths = elements(parser, value == Token.START_ARRAY
            ? Token.END_ARRAY : Token.END_OBJECT);
      } else {
        if (key.equals("paths")) {
          paths = List.of();
        }
        parser.skipChildren();
      }
    }
    return paths;
  }

  /** The scalar elements (array) or values (object) as text; nested containers are no path. */
  private static List<String> elements(JsonTokenizer parser, Token end) throws IOException {
    List<String> texts = new ArrayList<>();
    for (Token element = nextValue(parser); element != end; element = nextValue(parser)) {
      if (element.isScalar()) {
        String text = text(parser, element);
        texts.add(text == null ? "null" : text);
      } else {
        parser.skipChildren();
      }
    }
    return texts;
  }

  /** The next value of an array, or of an object (skipping its key); or the container's end. */
  private static Token nextValue(JsonTokenizer parser) throws IOException {
    Token token = parser.next();
    return token == Token.NAME ? parser.next() : token;
  }

  /** A scalar as a tree's {@code asText} gives it, null for JSON null; "" for a container. */
  private static String text(JsonTokenizer parser, Token value) throws IOException {
    return switch (value) {
      case NULL -> null;
      case STRING, TRUE, FALSE, INT, FLOAT -> Json.scalar(parser, value).asText();
      default -> {
        parser.skipChildren();
        yield "";
      }
    };
  }
}
