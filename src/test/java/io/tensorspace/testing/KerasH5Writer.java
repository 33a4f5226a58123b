package io.tensorspace.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.WritableGroup;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a model that tfjs saved (model.json + weights) as the HDF5 file Keras 2.2.4's
 * {@code model.save} writes for the same config and weights, with the jHDF writer: root attributes
 * {@code model_config}, {@code keras_version}, {@code backend}; {@code model_weights} with one group
 * per top-level layer (a nested model's group holds all its layers' weights), its
 * {@code weight_names} and datasets at {@code <layer>/<weight>:0}.
 */
public final class KerasH5Writer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> MODELS = Set.of("Sequential", "Model", "Functional");

  private KerasH5Writer() {}

  /** Writes {@code out} from the tfjs model in {@code dir}; returns {@code out}. */
  public static Path fromTfjs(Path dir, Path out) throws IOException {
    return fromTfjs(dir, out, null);
  }

  /**
   * As {@link #fromTfjs(Path, Path)}, but with {@code configOut} given, the {@code model_config}
   * JSON is written to that file instead of the root attribute, for h5py to add: jHDF writes
   * attributes in the object header only, where HDF5 caps a message at 64 KiB (InceptionV3's
   * config is 130 KiB; h5py, as Keras uses it, stores such an attribute densely).
   */
  public static Path fromTfjs(Path dir, Path out, Path configOut) throws IOException {
    return fromTfjs(dir, out, configOut, false);
  }

  /**
   * As {@link #fromTfjs(Path, Path)}, each weight a chunked, deflated dataset (as h5py writes
   * with {@code compression="gzip"}) when {@code chunked}.
   */
  public static Path fromTfjs(Path dir, Path out, boolean chunked) throws IOException {
    return fromTfjs(dir, out, null, chunked);
  }

  private static Path fromTfjs(Path dir, Path out, Path configOut, boolean chunked)
      throws IOException {
    JsonNode model = JSON.readTree(dir.resolve("model.json").toFile());
    JsonNode topology = model.path("modelTopology");
    JsonNode config = topology.has("model_config") ? topology.get("model_config") : topology;
    Map<String, String> holders = new HashMap<>();
    List<String> layers = new ArrayList<>();
    for (JsonNode layer : layersOf(config.path("config"))) {
      String name = nameOf(layer);
      layers.add(name);
      hold(layer, name, holders);
    }
    List<InputStream> shards = new ArrayList<>();
    List<JsonNode> specs = new ArrayList<>();
    for (JsonNode group : model.path("weightsManifest")) {
      for (JsonNode path : group.path("paths")) {
        shards.add(Files.newInputStream(dir.resolve(path.asText())));
      }
      group.path("weights").forEach(specs::add);
    }
    Files.deleteIfExists(out);
    try (DataInputStream in = new DataInputStream(
            new SequenceInputStream(Collections.enumeration(shards)));
        WritableHdfFile h5 = HdfFile.write(out)) {
      h5.putAttribute("keras_version", "2.2.4");
      h5.putAttribute("backend", "tensorflow");
      String modelConfig = JSON.writeValueAsString(
          JSON.createObjectNode().put("class_name", config.path("class_name").asText())
              .set("config", config.path("config")));
      if (configOut == null) {
        h5.putAttribute("model_config", modelConfig);
      } else {
        Files.writeString(configOut, modelConfig);
      }
      WritableGroup weights = h5.putGroup("model_weights");
      // Keras also lists the layers without weights, each with an empty group and an empty
      // float array as weight_names; jHDF writes neither an empty attribute nor a readable empty
      // group, so those layers are left out (readers skip them alike)
      Map<String, WritableGroup> groups = new LinkedHashMap<>();
      Map<String, List<String>> names = new LinkedHashMap<>();
      for (JsonNode spec : specs) {
        String name = spec.path("name").asText();
        String holder = holders.get(name.substring(0, name.indexOf('/')));
        names.computeIfAbsent(holder, l -> new ArrayList<>()).add(name + ":0");
        put(groups.computeIfAbsent(holder, weights::putGroup), name + ":0",
            floats(in, spec.path("shape")), chunked ? chunks(spec.path("shape")) : null);
      }
      names.forEach((layer, list) ->
          groups.get(layer).putAttribute("weight_names", list.toArray(new String[0])));
      List<String> withWeights = layers.stream().filter(names::containsKey).toList();
      weights.putAttribute("layer_names", withWeights.toArray(new String[0]));
      weights.putAttribute("keras_version", "2.2.4");
      weights.putAttribute("backend", "tensorflow");
    }
    return out;
  }

  private static JsonNode layersOf(JsonNode config) {
    return config.isArray() ? config : config.path("layers");
  }

  private static String nameOf(JsonNode layer) {
    return layer.has("name") ? layer.path("name").asText() : layer.path("config").path("name").asText();
  }

  private static void hold(JsonNode layer, String holder, Map<String, String> holders) {
    holders.put(nameOf(layer), holder);
    if (MODELS.contains(layer.path("class_name").asText())) {
      for (JsonNode child : layersOf(layer.path("config"))) {
        hold(child, holder, holders);
      }
    }
  }

  /** A dataset at a path of groups, as h5py creates for a name with slashes. */
  private static void put(WritableGroup group, String path, Object data,
      DatasetCreationOptions options) {
    int slash = path.indexOf('/');
    if (slash < 0) {
      if (options == null) {
        group.putDataset(path, data);
      } else {
        group.putDataset(path, data, options);
      }
      return;
    }
    String child = path.substring(0, slash);
    WritableGroup next = group.getChild(child) instanceof WritableGroup existing
        ? existing : group.putGroup(child);
    put(next, path.substring(slash + 1), data, options);
  }

  /** Chunks of half of each dimension (at least 1), deflated. */
  private static DatasetCreationOptions chunks(JsonNode shape) {
    int[] chunk = new int[shape.size()];
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = Math.max(1, (shape.get(i).asInt() + 1) / 2);
    }
    return DatasetCreationOptions.builder().chunkDimensions(chunk).deflate().build();
  }

  /** The next tensor of a tfjs weights file: a float array of {@code shape}, row-major. */
  public static Object floats(DataInputStream in, JsonNode shape) throws IOException {
    int[] dims = new int[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).asInt();
    }
    Object array = Array.newInstance(float.class, dims);
    fill(in, array);
    return array;
  }

  /** Fills a float array of any rank in row-major order, as tfjs stores it. */
  private static void fill(DataInputStream in, Object array) throws IOException {
    if (array instanceof float[] row) {
      byte[] bytes = new byte[row.length * 4];
      in.readFully(bytes);
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(row);
      return;
    }
    for (int i = 0; i < Array.getLength(array); i++) {
      fill(in, Array.get(array, i));
    }
  }
}
