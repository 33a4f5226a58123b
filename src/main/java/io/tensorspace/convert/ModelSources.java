package io.tensorspace.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.keras.KerasH5Reader;
import io.tensorspace.convert.onnx.OnnxDetection;
import io.tensorspace.convert.tensorflow.GraphConverter;
import io.tensorspace.convert.tfjs.layers.TfjsLayersReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What model is at a path the user gave: the one place that checks the path exists and can be
 * read, finds the model in a folder and tells which {@link InputFormat} it is, by content. The
 * readers are then given a file of a known format.
 */
public final class ModelSources {
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  /** The name TensorFlow.js gives a model; in a folder it wins over other models. */
  private static final String TFJS_MODEL_JSON = "model.json";
  /** File names that say nothing about the model, so its folder names it instead. */
  private static final List<String> GENERIC_NAMES = List.of(TFJS_MODEL_JSON, "saved_model.pb");
  /** How many files of a folder an error lists by name. */
  private static final int LISTED = 20;

  private ModelSources() {}

  /**
   * A model found at a path: the file to read (a SavedModel: its folder), its separate weights
   * file or null, and its format.
   */
  public record ModelSource(Path file, Path weights, InputFormat format) {}

  /**
   * The model at {@code source} (a file, or a folder holding one model) with its {@code weights}
   * file, if any; a {@link ConversionException} saying what to do when there is none, several,
   * or the path cannot be read.
   */
  public static ModelSource locate(Path source, Path weights) throws ConversionException {
    checkPaths(source, weights);
    try {
      if (Files.isDirectory(source)) {
        return inFolder(source, weights);
      }
      InputFormat format = formatOf(source);
      if (format == null) {
        throw unknown(source);
      }
      return new ModelSource(source, weights, format);
    } catch (AccessDeniedException e) {
      throw InputFailures.unreadable(e.getFile() == null ? source : Path.of(e.getFile()));
    } catch (IOException | RuntimeException e) {
      throw InputFailures.damaged(source, e);
    }
  }

  /**
   * Checks, without reading them, that the source (file or folder) and the weights file exist
   * and can be read: what must hold before anything, even the up-to-date check, looks at them.
   */
  public static void checkPaths(Path source, Path weights) throws ConversionException {
    checkExists(source, "model source");
    if (!Files.isDirectory(source)) {
      checkReadable(source);
    }
    if (weights != null) {
      checkExists(weights, "weights file");
      if (!Files.isRegularFile(weights)) {
        throw new ConversionException("The weights file " + weights + " is a folder; give the"
            + " weights file itself (the .h5 written by save_weights).");
      }
      checkReadable(weights);
    }
  }

  /**
   * The name a model gets when none is given: the file name without extension, or for a folder
   * and a generically named file ({@code model.json}, {@code saved_model.pb}) the folder's name.
   */
  public static String defaultName(Path source) {
    Path path = source.toAbsolutePath().normalize();
    Path file = path.getFileName();
    if (file == null) {
      return "model";
    }
    String name = file.toString();
    if (GENERIC_NAMES.contains(name) && path.getParent() != null
        && path.getParent().getFileName() != null) {
      return path.getParent().getFileName().toString();
    }
    if (Files.isDirectory(path)) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /**
   * Which format the file is, by content, or null if none; refused when it starts like an ONNX
   * model but is damaged, which the TensorFlow readers would report as no TensorFlow model.
   */
  private static InputFormat formatOf(Path file) throws IOException, ConversionException {
    // what no protobuf file looks like first, so that HDF5 files, archives and layers models do
    // not load the ONNX and TensorFlow readers' classes just to be told apart from them
    byte[] head = head(file);
    if (isHdf5(head)) {
      return InputFormat.KERAS_HDF5;
    }
    if (isZip(head)) {
      return InputFormat.KERAS3_ARCHIVE;
    }
    boolean json = startsLikeJson(head);
    if (json && TfjsLayersReader.isLayersModel(file)) {
      return InputFormat.TFJS_LAYERS; // never a graph-model: that has a node list
    }
    // before the TensorFlow check: a ModelProto starts with a varint field 1 like a SavedModel
    if (OnnxDetection.isOnnx(file)) {
      return InputFormat.ONNX;
    }
    String damage = OnnxDetection.damage(file);
    if (damage != null) {
      throw new ConversionException(file + " starts like an ONNX model but is damaged: " + damage
          + ". Download or export the model again (a transfer may have cut or altered it).");
    }
    InputFormat graph = GraphConverter.format(file);
    if (graph != null) {
      return graph;
    }
    return json ? InputFormat.KERAS_TOPOLOGY_JSON : null;
  }

  /** What a file of a folder is, for choosing the folder's model and for telling the user. */
  private enum Role { MODEL, KERAS_TOPOLOGY, KERAS_WEIGHTS, OTHER }

  private record Member(Path file, InputFormat format, Role role, String what) {}

  /**
   * The one model in the folder: a SavedModel, else its {@code model.json}, else its only model
   * file, else a Keras topology JSON with its only weights-only HDF5 file.
   */
  private static ModelSource inFolder(Path folder, Path weights)
      throws ConversionException, IOException {
    if (GraphConverter.format(folder) == InputFormat.SAVED_MODEL) {
      return new ModelSource(folder, weights, InputFormat.SAVED_MODEL);
    }
    List<Member> members = new ArrayList<>();
    for (Path file : files(folder)) {
      members.add(member(file));
    }
    List<Member> models = members.stream().filter(m -> m.role() == Role.MODEL).toList();
    for (Member m : models) {
      if (m.file().getFileName().toString().equals(TFJS_MODEL_JSON)) {
        return new ModelSource(m.file(), weights, m.format());
      }
    }
    if (models.size() == 1) {
      return new ModelSource(models.get(0).file(), weights, models.get(0).format());
    }
    List<Member> topologies = withRole(members, Role.KERAS_TOPOLOGY);
    List<Member> weightFiles = withRole(members, Role.KERAS_WEIGHTS);
    if (models.isEmpty() && topologies.size() == 1 && (weights != null || weightFiles.size() == 1)) {
      return new ModelSource(topologies.get(0).file(),
          weights != null ? weights : weightFiles.get(0).file(), InputFormat.KERAS_TOPOLOGY_JSON);
    }
    throw notOneModel(folder, members, models);
  }

  private static List<Member> withRole(List<Member> members, Role role) {
    return members.stream().filter(m -> m.role() == role).toList();
  }

  /**
   * Protobuf has no signature, so in a folder only {@code .pb} files count as TensorFlow graphs;
   * a weight shard could otherwise start like one.
   */
  private static Member member(Path file) throws IOException {
    InputFormat format;
    try {
      format = formatOf(file);
    } catch (ConversionException e) {
      return new Member(file, null, Role.OTHER, "a damaged ONNX model");
    }
    String name = file.getFileName().toString();
    if (format == null) {
      return new Member(file, null, Role.OTHER, "no model");
    }
    return switch (format) {
      case KERAS_HDF5 -> switch (KerasH5Reader.content(file)) {
        case MODEL -> new Member(file, format, Role.MODEL, format.shortName());
        case WEIGHTS_ONLY -> new Member(file, format, Role.KERAS_WEIGHTS,
            "HDF5 weights without a model (save_weights)");
        case NO_MODEL -> new Member(file, format, Role.OTHER, "HDF5 data, no Keras model");
      };
      case KERAS_TOPOLOGY_JSON -> isKerasTopology(file)
          ? new Member(file, format, Role.KERAS_TOPOLOGY, "a Keras topology JSON")
          : new Member(file, null, Role.OTHER, "JSON, no model");
      case SAVED_MODEL, FROZEN_GRAPH, TFJS_0_GRAPH -> name.endsWith(".pb")
          ? new Member(file, format, Role.MODEL, format.shortName())
          : new Member(file, null, Role.OTHER, "no model");
      case KERAS3_ARCHIVE, TFJS_LAYERS, TFJS_GRAPH, ONNX ->
          new Member(file, format, Role.MODEL, format.shortName());
    };
  }

  private static boolean isKerasTopology(Path file) throws IOException {
    try {
      JsonNode root = Json.read(file);
      return root != null && root.has("class_name") && root.has("config");
    } catch (io.tensorspace.convert.json.JsonSyntaxException e) {
      return false;
    }
  }

  /** The folder's files, sorted, without hidden ones ({@code .DS_Store}, editor backups). */
  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  private static ConversionException notOneModel(Path folder, List<Member> members,
      List<Member> models) {
    String what;
    if (members.isEmpty()) {
      what = folder + " holds no model: it has no files.";
    } else if (models.isEmpty()) {
      what = folder + " holds no model this plugin reads. It holds " + listing(members) + ".";
    } else {
      List<Member> others = members.stream().filter(m -> !models.contains(m)).toList();
      what = folder + " holds " + models.size() + " models, so which one to convert is unclear: "
          + listing(models) + (others.isEmpty() ? "" : "; beside them " + listing(others))
          + ". Give the file of the one to convert instead of the folder.";
    }
    return new ConversionException(what + " " + InputFormat.all());
  }

  private static String listing(List<Member> members) {
    String listed = members.stream().limit(LISTED)
        .map(m -> m.file().getFileName() + " (" + m.what() + ")")
        .collect(Collectors.joining(", "));
    return members.size() > LISTED
        ? listed + " and " + (members.size() - LISTED) + " more files" : listed;
  }

  private static void checkExists(Path path, String what) throws ConversionException {
    if (Files.exists(path)) {
      return;
    }
    String url = url(path);
    if (url != null) {
      boolean web = url.matches("(?i)(https?|ftp)://.*");
      throw new ConversionException("The " + what + " " + url + " is a URL, but models are read"
          + " from local files or folders only. Download it first ("
          + (web ? "e.g. curl -L -O " + url + ", or " : "with the tool of its storage, or ")
          + "a download plugin bound to an earlier phase) and give the local path.");
    }
    Path normal = path.toAbsolutePath().normalize();
    throw new ConversionException("The " + what + " " + path
        + (normal.equals(path) ? "" : " (" + normal + ")") + " does not exist" + near(path)
        + ". Check the path and its spelling.");
  }

  /**
   * The URL a path was made from, or null. {@code java.io.File} and {@code Path} keep
   * {@code https://host/m.h5} as {@code https:/host/m.h5} (appended to the project folder when
   * resolved), so a component ending in ':' marks it; one letter is a Windows drive.
   */
  static String url(Path path) {
    List<String> parts = new ArrayList<>();
    path.forEach(p -> parts.add(p.toString()));
    for (int i = 0; i < parts.size() - 1; i++) {
      if (parts.get(i).matches("[A-Za-z][A-Za-z0-9+.-]+:")) {
        return parts.get(i) + "//" + String.join("/", parts.subList(i + 1, parts.size()));
      }
    }
    return null;
  }

  /** What the nearest existing ancestor says about a path that does not exist. */
  private static String near(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    while (parent != null && !Files.exists(parent)) {
      parent = parent.getParent();
    }
    if (parent == null) {
      return "";
    }
    if (!Files.isDirectory(parent)) {
      return " (" + parent + " is a file, not a folder)";
    }
    if (!parent.equals(absolute.getParent())) {
      return " (the nearest folder that exists is " + parent + ")";
    }
    try (Stream<Path> list = Files.list(parent)) {
      List<String> names = list.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().toList();
      if (names.isEmpty()) {
        return " (its folder " + parent + " is empty)";
      }
      return " (its folder " + parent + " holds " + String.join(", ",
          names.subList(0, Math.min(LISTED, names.size())))
          + (names.size() > LISTED ? " and " + (names.size() - LISTED) + " more" : "") + ")";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static void checkReadable(Path file) throws ConversionException {
    if (!Files.isReadable(file)) {
      throw InputFailures.unreadable(file);
    }
  }


  private static ConversionException unknown(Path file) throws IOException {
    byte[] head = head(file);
    String content = head.length == 0 ? "it is empty"
        : "it starts with the bytes " + HexFormat.ofDelimiter(" ").formatHex(head, 0,
            Math.min(8, head.length)) + ", which fit none of them";
    return new ConversionException(file + " is not a model this plugin reads: " + content + ". "
        + InputFormat.all());
  }

  /** Whether the file starts with the HDF5 signature. */
  static boolean isHdf5(Path file) throws IOException {
    return isHdf5(head(file));
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(16);
    }
  }

  private static boolean isHdf5(byte[] head) {
    return head.length >= 8 && Arrays.equals(Arrays.copyOf(head, 8), HDF5_SIGNATURE);
  }

  private static boolean isZip(byte[] head) {
    return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
  }

  private static boolean startsLikeJson(byte[] head) {
    for (byte b : head) {
      if (!Character.isWhitespace(b)) {
        return b == '{';
      }
    }
    return false;
  }
}
