package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.tensorspace.convert.json.Json;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What format detection and the up-to-date check need of a TensorFlow.js model.json, read with a
 * streaming parser: its {@code format}, the keys of its {@code modelTopology} and the weight file
 * paths of its {@code weightsManifest} (or of a 0.x graph's bare manifest array). Building the
 * whole tree for these (hundreds of layers) cost as much as reading the model. A repeated key
 * keeps its last value, and a value is read as text as a Jackson tree's {@code asText} would.
 */
public final class ModelJsonOutline {
  private boolean object;
  private String format;
  private boolean topologyObject;
  private Set<String> topologyKeys = Set.of();
  private boolean nodeArray;
  private List<String> manifestPaths = List.of();

  private ModelJsonOutline() {}

  /** The outline of {@code file}, or null when it is not JSON. */
  public static ModelJsonOutline read(Path file) throws IOException {
    try (JsonParser parser = Json.parser(file)) {
      ModelJsonOutline outline = new ModelJsonOutline();
      JsonToken root = parser.nextToken();
      if (root == JsonToken.START_ARRAY) {
        outline.manifestPaths = manifestPaths(parser);
      } else if (root == JsonToken.START_OBJECT) {
        outline.object = true;
        outline.readTopLevel(parser);
      }
      return outline;
    } catch (JsonProcessingException | CharConversionException e) {
      // not JSON, or bytes Jackson's encoding detection reads as broken UTF-32 (found by fuzzing)
      return null;
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

  private void readTopLevel(JsonParser parser) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (key) {
        case "format" -> format = text(parser, value);
        case "modelTopology" -> readTopology(parser, value);
        case "weightsManifest" -> manifestPaths = manifestPaths(parser);
        default -> parser.skipChildren();
      }
    }
  }

  private void readTopology(JsonParser parser, JsonToken value) throws IOException {
    topologyObject = value == JsonToken.START_OBJECT;
    topologyKeys = new HashSet<>();
    nodeArray = false;
    if (!topologyObject) {
      parser.skipChildren();
      return;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      topologyKeys.add(key);
      JsonToken child = parser.nextToken();
      if (key.equals("node")) {
        nodeArray = child == JsonToken.START_ARRAY;
      }
      parser.skipChildren();
    }
  }

  /** The paths of a manifest (an array or object of groups); the parser is at its value. */
  private static List<String> manifestPaths(JsonParser parser) throws IOException {
    List<String> paths = new ArrayList<>();
    if (!parser.currentToken().isStructStart()) {
      return paths;
    }
    JsonToken end = parser.currentToken() == JsonToken.START_ARRAY
        ? JsonToken.END_ARRAY : JsonToken.END_OBJECT;
    for (JsonToken group = nextValue(parser); group != end; group = nextValue(parser)) {
      if (group == JsonToken.START_OBJECT) {
        paths.addAll(groupPaths(parser));
      } else {
        parser.skipChildren();
      }
    }
    return paths;
  }

  /** The {@code paths} of one group; the parser is at the group's start. */
  private static List<String> groupPaths(JsonParser parser) throws IOException {
    List<String> paths = List.of();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      JsonToken value = parser.nextToken();
      if (key.equals("paths") && value.isStructStart()) {
        paths = elements(parser, value == JsonToken.START_ARRAY
            ? JsonToken.END_ARRAY : JsonToken.END_OBJECT);
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
  private static List<String> elements(JsonParser parser, JsonToken end) throws IOException {
    List<String> texts = new ArrayList<>();
    for (JsonToken element = nextValue(parser); element != end; element = nextValue(parser)) {
      if (element.isScalarValue()) {
        String text = text(parser, element);
        texts.add(text == null ? "null" : text);
      } else {
        parser.skipChildren();
      }
    }
    return texts;
  }

  /** The next value of an array, or of an object (skipping its key); or the container's end. */
  private static JsonToken nextValue(JsonParser parser) throws IOException {
    JsonToken token = parser.nextToken();
    return token == JsonToken.FIELD_NAME ? parser.nextToken() : token;
  }

  /** A scalar as a tree's {@code asText} gives it, null for JSON null; "" for a container. */
  private static String text(JsonParser parser, JsonToken value) throws IOException {
    return switch (value) {
      case VALUE_NULL -> null;
      case VALUE_STRING, VALUE_TRUE, VALUE_FALSE -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue().toString();
      default -> {
        parser.skipChildren();
        yield "";
      }
    };
  }
}
