package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Every Keras layer class written in the fixture corpus, as the files spell it (before any
 * translation by the converter), with the cases it appears in. Reads every model config of every
 * case: the {@code model_config} attribute of HDF5 files, Keras {@code to_json()} topologies,
 * the {@code modelTopology} of tfjs layers models and the {@code config.json} of Keras 3
 * {@code .keras} archives. Layers inside nested models, wrappers ({@code layer},
 * {@code forward_layer}, {@code backward_layer}) and RNN cells count too. Graph models have no
 * layer classes and are skipped; {@code reference/} folders hold no models.
 */
final class CorpusLayerClasses {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** Where a class was found: the case and the file in it. */
  record Occurrence(String caseId, String file) {}

  private CorpusLayerClasses() {}

  /** Class name to its occurrences, sorted by class, then case, then file. */
  static Map<String, Set<Occurrence>> scan() {
    Map<String, Set<Occurrence>> found = new TreeMap<>();
    for (CorpusCase c : ModelCorpus.all()) {
      for (Path file : files(c.dir())) {
        String relative = c.dir().relativize(file).toString().replace('\\', '/');
        for (JsonNode config : configs(file)) {
          Set<String> classes = new TreeSet<>();
          collectModel(config, classes);
          for (String className : classes) {
            found.computeIfAbsent(className, k -> new TreeSet<>(
                    java.util.Comparator.comparing(Occurrence::caseId)
                        .thenComparing(Occurrence::file)))
                .add(new Occurrence(c.id(), relative));
          }
        }
      }
    }
    return found;
  }

  /** Every layer entry (nested and wrapped ones too, and the models themselves) of each case. */
  static Map<String, List<JsonNode>> layersByCase() {
    Map<String, List<JsonNode>> found = new TreeMap<>();
    for (CorpusCase c : ModelCorpus.all()) {
      List<JsonNode> layers = new ArrayList<>();
      for (Path file : files(c.dir())) {
        for (JsonNode config : configs(file)) {
          collectLayers(config, layers);
        }
      }
      found.put(c.id(), layers);
    }
    return found;
  }

  /** The case ids of each class (sorted). */
  static Map<String, Set<String>> casesByClass(Map<String, Set<Occurrence>> scan) {
    Map<String, Set<String>> cases = new TreeMap<>();
    scan.forEach((className, occurrences) -> occurrences.forEach(
        o -> cases.computeIfAbsent(className, k -> new TreeSet<>()).add(o.caseId())));
    return cases;
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !dir.relativize(p).startsWith("reference"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Keras model configs one file holds (none for weights, data and graph models). */
  static List<JsonNode> configs(Path file) {
    try {
      byte[] head;
      try (InputStream in = Files.newInputStream(file)) {
        head = in.readNBytes(8);
      }
      List<JsonNode> out = new ArrayList<>();
      if (head.length == 8 && java.util.Arrays.equals(head, HDF5)) {
        try (HdfFile hdf = new HdfFile(file)) {
          String config = attribute(hdf.getAttribute("model_config"));
          if (config != null) {
            out.add(JSON.readTree(config));
          }
        }
      } else if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3
          && head[3] == 4) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
          ZipEntry entry = zip.getEntry("config.json");
          if (entry != null) {
            try (InputStream in = zip.getInputStream(entry)) {
              out.add(JSON.readTree(in));
            }
          }
        }
      } else if (file.getFileName().toString().endsWith(".json")) {
        JsonNode json = JSON.readTree(file.toFile());
        JsonNode topology = json.path("modelTopology");
        if (topology.isObject()) {
          JsonNode model = topology.has("model_config") ? topology.get("model_config") : topology;
          if (model.has("class_name")) {
            out.add(model);
          }
        } else if (json.has("class_name") && json.has("config")) {
          out.add(json);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String attribute(Attribute attribute) {
    if (attribute == null || attribute.isEmpty()) {
      return null;
    }
    Object data = attribute.getData();
    while (data instanceof Object[] array && array.length > 0) {
      data = array[0];
    }
    if (data instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return data instanceof String text ? text : null;
  }

  /** The model's own class and every layer class inside it. */
  static void collectModel(JsonNode model, Set<String> into) {
    collectLayer(model, into);
  }

  private static void collectLayer(JsonNode layer, Set<String> into) {
    List<JsonNode> layers = new ArrayList<>();
    collectLayers(layer, layers);
    layers.forEach(l -> into.add(l.path("class_name").asText()));
  }

  /** The layer entry and every layer entry inside it, in file order. */
  static void collectLayers(JsonNode layer, List<JsonNode> into) {
    if (!layer.isObject() || !layer.path("class_name").isTextual()) {
      return;
    }
    into.add(layer);
    JsonNode config = layer.path("config");
    if (config.isArray()) {
      // Keras 1 and early Keras 2 Sequential: the config is the list of layers
      config.forEach(inner -> collectLayers(inner, into));
      return;
    }
    config.path("layers").forEach(inner -> collectLayers(inner, into));
    for (String key : List.of("layer", "forward_layer", "backward_layer", "cell")) {
      collectLayers(config.path(key), into);
    }
    config.path("cell").path("config").path("cells").forEach(inner -> collectLayers(inner, into));
  }

  /** Prints every class with the case files it appears in. */
  public static void main(String[] args) {
    scan().forEach((className, occurrences) -> System.out.println(className + "\t"
        + occurrences.stream().map(o -> o.caseId() + ":" + o.file()).toList()));
  }
}
