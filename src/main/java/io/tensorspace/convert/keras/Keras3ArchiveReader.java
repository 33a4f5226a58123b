package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.archive.ArchiveRules;
import io.tensorspace.convert.hdf5.Hdf5File;
import io.tensorspace.convert.hdf5.Hdf5Object;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a Keras 3 native {@code .keras} archive: a zip holding {@code metadata.json},
 * {@code config.json} and {@code model.weights.h5}. The config is normalised to the Keras 2 form
 * ({@link Keras3Config}); the weights, which Keras 3 files by snake_case class name and counter
 * ({@code layers/dense_1/vars/0}), not by layer name, are mapped back to layers by walking the
 * config's layers in order, as Keras' own saving code does.
 */
public final class Keras3ArchiveReader {
  static final String CONFIG = "config.json";
  static final String METADATA = "metadata.json";
  static final String WEIGHTS = "model.weights.h5";
  /** Limits on what is read into memory or extracted; real configs are far smaller. */
  private static final long MAX_CONFIG_BYTES = 64L << 20;
  private static final long MAX_METADATA_BYTES = 1L << 20;

  /** Reads the archive; the model's weights stay in a temporary file deleted on close. */
  public LayersModel read(Path archive) throws ConversionException, IOException {
    JsonNode metadata;
    JsonNode config;
    Path weightsFile = null;
    try (ZipFile zip = openZip(archive)) {
      checkEntries(archive, zip);
      metadata = readJson(archive, zip, METADATA, MAX_METADATA_BYTES, false);
      config = readJson(archive, zip, CONFIG, MAX_CONFIG_BYTES, true);
      ZipEntry weightsEntry = zip.getEntry(WEIGHTS);
      // refuse subclassed models before extracting anything
      ObjectNode normalised = Keras3Config.normalise(archive, config);
      if (weightsEntry != null) {
        weightsFile = Files.createTempFile("tensorspace-keras3-", ".weights.h5");
        extract(archive, zip, weightsEntry, weightsFile);
      }
      String version = metadata == null ? null : metadata.path("keras_version").asText(null);
      return build(archive, normalised, version, weightsFile);
    } catch (ConversionException | IOException | RuntimeException e) {
      if (weightsFile != null) {
        deleteTemporary(weightsFile);
      }
      throw e;
    }
  }

  /**
   * Deletes the extracted weights; on Windows a file still memory-mapped (see {@link H5Files})
   * cannot be deleted until the map is garbage, so it then goes when the JVM exits.
   */
  private static void deleteTemporary(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      file.toFile().deleteOnExit();
    }
  }

  private static ZipFile openZip(Path archive) throws ConversionException, IOException {
    try {
      return new ZipFile(archive.toFile());
    } catch (ZipException e) {
      throw new ConversionException(
          archive + " is not a readable Keras 3 .keras archive (zip): " + e.getMessage(), e);
    }
  }

  /** Refuses archives with entry names that could escape a folder, or that repeat a name. */
  private static void checkEntries(Path archive, ZipFile zip) throws ConversionException {
    Set<String> seen = new HashSet<>();
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      String name = entries.nextElement().getName();
      if (ArchiveRules.escapes(name)) {
        throw new ConversionException(
            archive + " is not a plain Keras 3 archive: it has an entry named '" + name
                + "' (absolute or with '..'). Refusing to read it.");
      }
      if (!seen.add(name)) {
        throw new ConversionException(
            archive + " is not a plain Keras 3 archive: the entry '" + name
                + "' appears twice. Refusing to read it.");
      }
    }
    if (zip.getEntry(CONFIG) == null) {
      throw new ConversionException(
          archive + " is a zip file but not a Keras 3 .keras archive: it has no '" + CONFIG
              + "' entry (entries: " + seen + ").");
    }
  }

  private static JsonNode readJson(
      Path archive, ZipFile zip, String entryName, long limit, boolean required)
      throws ConversionException, IOException {
    ZipEntry entry = zip.getEntry(entryName);
    if (entry == null) {
      if (required) {
        throw new ConversionException(archive + " has no '" + entryName + "'.");
      }
      return null;
    }
    byte[] bytes;
    try (InputStream in = zip.getInputStream(entry)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    }
    if (bytes.length > limit) {
      throw new ConversionException(
          archive + ": '" + entryName + "' is larger than " + (limit >> 20)
              + " MiB, which no real Keras model config is. Refusing to read it.");
    }
    try {
      JsonNode node = Json.read(new String(bytes, StandardCharsets.UTF_8));
      if (node == null || !node.isObject()) {
        throw new ConversionException(archive + ": '" + entryName + "' is not a JSON object.");
      }
      return node;
    } catch (IOException e) {
      throw new ConversionException(
          archive + ": '" + entryName + "' is not valid JSON (" + e.getMessage() + ").", e);
    }
  }

  private static void extract(Path archive, ZipFile zip, ZipEntry entry, Path target)
      throws ConversionException, IOException {
    long stored = entry.getCompressedSize();
    long limit = ArchiveRules.unpackedLimit(stored);
    if (entry.getSize() > limit) {
      throw bomb(archive, entry.getSize(), stored);
    }
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    try (InputStream in = zip.getInputStream(entry);
        OutputStream out = Files.newOutputStream(target)) {
      int read;
      while ((read = in.read(buffer)) > 0) {
        total += read;
        if (total > limit) {
          throw bomb(archive, total, stored);
        }
        out.write(buffer, 0, read);
      }
    }
  }

  private static ConversionException bomb(Path archive, long size, long stored) {
    return new ConversionException(archive + ": '" + WEIGHTS + "' unpacks to " + size
        + " bytes or more from " + stored + " stored bytes: " + ArchiveRules.limitsText()
        + ", which real weights never are. Refusing to extract it; save the model again.");
  }

  private LayersModel build(Path archive, ObjectNode normalised, String version, Path weightsFile)
      throws ConversionException, IOException {
    ObjectNode functional = KerasTopology.toFunctional(archive, normalised);
    String generatedBy = version == null ? "keras" : "keras v" + version;
    if (weightsFile == null) {
      if (hasWeightedLayers(normalised)) {
        throw new ConversionException(
            archive + " has no '" + WEIGHTS + "'. Save the model with model.save('x.keras') so"
                + " its weights are included.");
      }
      return new LayersModel(archive, generatedBy, functional, Map.of(), () -> { });
    }
    LayersModel plain = readPlainly(archive, generatedBy, functional, normalised, weightsFile);
    if (plain != null) {
      return plain;
    }
    HdfFile hdf;
    try {
      hdf = H5Files.open(weightsFile, archive + ": '" + WEIGHTS + "'");
    } catch (ConversionException e) {
      deleteTemporary(weightsFile);
      throw e;
    }
    Path temp = weightsFile;
    AutoCloseable resources = () -> {
      try {
        hdf.close();
      } finally {
        deleteTemporary(temp);
      }
    };
    try {
      Map<String, List<Weight>> weights = new LinkedHashMap<>();
      new Walker(archive, weightsFile, weights)
          .container(JhdfGroup.of(hdf.getChild("layers")), "layers", layers(normalised), true, null);
      return new LayersModel(archive, generatedBy, functional, weights, resources);
    } catch (ConversionException | RuntimeException e) {
      try {
        resources.close();
      } catch (Exception ignored) {
        // the original failure matters more
      }
      throw e;
    }
  }

  /**
   * The model with its weights read by {@link Hdf5File}, or null when that reader does not read
   * the weights file or anything fails: then jHDF reads it again and reports what is wrong.
   */
  private LayersModel readPlainly(Path archive, String generatedBy, ObjectNode functional,
      ObjectNode normalised, Path weightsFile) {
    try {
      Hdf5Object root = Hdf5File.open(weightsFile).root();
      Map<String, List<Weight>> weights = new LinkedHashMap<>();
      new Walker(archive, weightsFile, weights).container(
          PlainGroup.of(root.child("layers"), "/layers/"), "layers", layers(normalised), true,
          null);
      return new LayersModel(archive, generatedBy, functional, weights,
          () -> deleteTemporary(weightsFile));
    } catch (ConversionException | IOException | RuntimeException e) {
      return null;
    }
  }

  /** The layers of a normalised config. */
  private static JsonNode layers(JsonNode model) {
    JsonNode config = model.path("config");
    return config.isArray() ? config : config.path("layers");
  }

  private static boolean hasWeightedLayers(JsonNode model) {
    for (JsonNode layer : layers(model)) {
      String className = layer.path("class_name").asText();
      if (!Set.of("InputLayer", "Activation", "Dropout", "Flatten", "Reshape", "Masking")
          .contains(className)) {
        return true;
      }
    }
    return false;
  }

  /** Keras 3's {@code naming.to_snake_case}. */
  static String snakeCase(String className) {
    String name = className.replaceAll("\\W+", "");
    name = Pattern.compile("(.)([A-Z][a-z]+)").matcher(name).replaceAll("$1_$2");
    return Pattern.compile("([a-z])([A-Z])").matcher(name).replaceAll("$1_$2").toLowerCase();
  }

  /** Walks layers as Keras 3's saving_lib does and collects each layer's weights under tfjs names. */
  private static final class Walker {
    private final Path archive;
    private final Path weightsFile;
    private final Map<String, List<Weight>> weights;

    Walker(Path archive, Path weightsFile, Map<String, List<Weight>> weights) {
      this.archive = archive;
      this.weightsFile = weightsFile;
      this.weights = weights;
    }

    /**
     * @param group the HDF5 group holding the container's layers ({@code layers/}), or null
     * @param topLevel whether weights go to {@code weights} keyed by layer; else into {@code into}
     */
    void container(H5Group group, String path, JsonNode layers, boolean topLevel, List<Weight> into)
        throws ConversionException {
      Map<String, Integer> used = new HashMap<>();
      for (JsonNode layer : layers) {
        String className = layer.path("class_name").asText();
        String name = layer.path("config").path("name").asText(layer.path("name").asText());
        String key = snakeCase(originalClass(className));
        Integer count = used.get(key);
        if (count == null) {
          used.put(key, 0);
        } else {
          used.put(key, count + 1);
          key = key + "_" + (count + 1);
        }
        H5Group layerGroup = child(group, key);
        List<Weight> layerWeights = topLevel ? new ArrayList<>() : into;
        layer(layerGroup, path + "/" + key, layer, name, name, layerWeights);
        if (topLevel && !layerWeights.isEmpty()) {
          weights.put(name, layerWeights);
        }
      }
    }

    /** {@code Model} in the normalised config was {@code Functional} in Keras 3. */
    private static String originalClass(String className) {
      return className.equals("Model") ? "Functional" : className;
    }

    /** One layer's weights, named {@code <scope>/<weight>}. */
    void layer(H5Group group, String path, JsonNode layer, String layerName, String scope,
        List<Weight> into) throws ConversionException {
      String className = layer.path("class_name").asText();
      JsonNode config = layer.path("config");
      switch (className) {
        case "Sequential", "Model" -> {
          JsonNode inner = config.isArray() ? config : config.path("layers");
          container(child(group, "layers"), path + "/layers", inner, false, into);
          return;
        }
        case "Bidirectional" -> {
          JsonNode inner = config.path("layer");
          String innerName = inner.path("config").path("name").asText();
          JsonNode backward = config.path("backward_layer").isObject()
              ? config.path("backward_layer") : inner;
          layer(child(group, "forward_layer"), path + "/forward_layer", inner, layerName,
              scope + "/forward_" + innerName, into);
          layer(child(group, "backward_layer"), path + "/backward_layer", backward, layerName,
              scope + "/backward_" + innerName, into);
          return;
        }
        case "TimeDistributed" -> {
          layer(child(group, "layer"), path + "/layer", config.path("layer"), layerName, scope,
              into);
          return;
        }
        default -> { }
      }
      boolean cell = Set.of("LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
          .contains(className);
      H5Group vars = child(cell ? child(group, "cell") : group, "vars");
      List<String> members = vars == null ? List.of() : members(vars);
      if (members.isEmpty()) {
        return;
      }
      List<String> names = weightNames(className, config);
      if (names == null) {
        throw new ConversionException(
            archive + ": layer '" + layerName + "' (" + className + ") has " + members.size()
                + " weights in " + WEIGHTS + " (" + path + "), but the converter does not know"
                + " their names for this class. Leave the layer out of the model you convert.");
      }
      if (names.size() != members.size()) {
        throw new ConversionException(
            archive + ": layer '" + layerName + "' (" + className + ") should have weights "
                + names + " but " + WEIGHTS + " holds " + members.size() + " at " + path
                + ". The archive does not match its config.json.");
      }
      for (int i = 0; i < members.size(); i++) {
        into.add(vars.weight(archive, weightsFile, members.get(i), scope + "/" + names.get(i)));
      }
    }

    private static H5Group child(H5Group group, String name) {
      return group == null ? null : group.group(name);
    }

    /** The names of the datasets {@code vars/0, vars/1, …} in numeric order. */
    private List<String> members(H5Group vars) throws ConversionException {
      TreeMap<Integer, String> ordered = new TreeMap<>();
      for (String name : vars.memberNames()) {
        if (!name.matches("\\d{1,6}") || !vars.isDataset(name)) {
          throw new ConversionException(
              archive + ": unexpected entry '" + vars.path(name) + "' in "
                  + WEIGHTS + "; Keras 3 stores weights as vars/0, vars/1, …");
        }
        ordered.put(Integer.parseInt(name), name);
      }
      return new ArrayList<>(ordered.values());
    }
  }

  /** The Keras 2 / tfjs names of a class's variables, in Keras 3's build order; null if unknown. */
  static List<String> weightNames(String className, JsonNode config) {
    boolean bias = config.path("use_bias").asBoolean(true);
    List<String> names = new ArrayList<>();
    switch (className) {
      case "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
          "Conv3DTranspose" -> names.add("kernel");
      case "DepthwiseConv1D", "DepthwiseConv2D" -> names.add("depthwise_kernel");
      case "SeparableConv1D", "SeparableConv2D" -> {
        names.add("depthwise_kernel");
        names.add("pointwise_kernel");
      }
      case "LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D" -> {
        names.add("kernel");
        names.add("recurrent_kernel");
      }
      case "Embedding" -> {
        names.add("embeddings");
        return names;
      }
      case "PReLU" -> {
        names.add("alpha");
        return names;
      }
      case "BatchNormalization" -> {
        if (config.path("scale").asBoolean(true)) {
          names.add("gamma");
        }
        if (config.path("center").asBoolean(true)) {
          names.add("beta");
        }
        names.add("moving_mean");
        names.add("moving_variance");
        return names;
      }
      case "LayerNormalization" -> {
        if (config.path("scale").asBoolean(true)) {
          names.add("gamma");
        }
        if (config.path("center").asBoolean(true) && !config.path("rms_scaling").asBoolean(false)) {
          names.add("beta");
        }
        return names;
      }
      default -> {
        return null;
      }
    }
    if (bias) {
      names.add("bias");
    }
    return names;
  }
}
