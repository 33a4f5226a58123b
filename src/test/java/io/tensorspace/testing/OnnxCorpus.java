package io.tensorspace.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The ONNX fixture corpus ({@code shared/models-onnx}, read-only; system property
 * {@code tensorspace.models.onnx}, default {@code ../shared/models-onnx}). A missing corpus is an
 * error, never a skip. Its references are in ONNX layout (NCHW); {@link #referenceFor} rewrites
 * one into the layout of a converted model, as model.json's ONNX map states it, so the tfjs
 * check compares like with like.
 */
public final class OnnxCorpus {
  public static final String PROPERTY = "tensorspace.models.onnx";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One case folder. */
  public record Case(String id, Path dir) {
    public Path model() {
      try (Stream<Path> files = Files.list(dir)) {
        return files.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted()
            .findFirst().orElseThrow(() -> new IllegalStateException(dir + " holds no .onnx"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public Path reference() {
      return dir.resolve("reference/reference.json");
    }

    public Path expectError() {
      return dir.resolve("reference/expect-error.json");
    }

    public boolean expectsError() {
      return Files.isRegularFile(expectError());
    }

    /** The ONNX tensor names the reference has values for, in node order. */
    public List<String> referenceOutputs() {
      List<String> names = new ArrayList<>();
      read(reference()).path("outputs").forEach(o -> names.add(o.path("name").asText()));
      return names;
    }

    @Override
    public String toString() {
      return id;
    }
  }

  private OnnxCorpus() {}

  public static Path root() {
    Path root = Paths.get(System.getProperty(PROPERTY, "../shared/models-onnx"))
        .toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("ONNX corpus not found at " + root + " (set -D" + PROPERTY
          + ")");
    }
    return root;
  }

  public static List<Case> cases() {
    try (Stream<Path> dirs = Files.list(root())) {
      return dirs.filter(d -> Files.isDirectory(d.resolve("reference"))).sorted()
          .map(d -> new Case(d.getFileName().toString(), d)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Case byId(String id) {
    return cases().stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no ONNX case " + id));
  }

  /**
   * The case's reference rewritten for a converted model: inputs and outputs in the layouts of
   * {@code onnxMap} (model.json's userDefinedMetadata.onnx), data files inlined, a strided sample
   * as explicit positions ({@code sample_indices}, {@code sample}) of the model's tensor, only
   * the inputs the model kept.
   */
  public static Path referenceFor(Case c, Path modelJson, Path target) throws IOException {
    JsonNode model = read(modelJson);
    JsonNode onnxMap = model.path("userDefinedMetadata").path("onnx");
    List<String> placeholders = new ArrayList<>();
    model.path("modelTopology").path("node").forEach(n -> {
      if (n.path("op").asText().equals("Placeholder")) {
        placeholders.add(n.path("name").asText());
      }
    });
    JsonNode ref = read(c.reference());
    ObjectNode out = ((ObjectNode) ref).deepCopy();
    if (c.id().startsWith("caffe2-light-")) {
      // activations ~1e14 (constant-filled weights): differences are compared scaled
      out.put("relative", true);
      out.set("tolerance", ref.path("tolerance_scaled"));
    }
    ArrayNode inputs = out.putArray("inputs");
    for (JsonNode in : ref.path("inputs")) {
      JsonNode info = onnxMap.path("inputs").path(in.path("name").asText());
      // the inputs the selected outputs need (a graph-model keeps no other)
      if (placeholders.contains(info.path("node").asText())) {
        inputs.add(relayout(c, in, info));
      }
    }
    ArrayNode outputs = out.putArray("outputs");
    for (JsonNode o : ref.path("outputs")) {
      JsonNode info = onnxMap.path("outputs").path(o.path("name").asText());
      if (!info.isMissingNode()) {
        outputs.add(relayout(c, o, info));
      }
    }
    Files.createDirectories(target.getParent());
    JSON.writeValue(target.toFile(), out);
    return target;
  }

  private static ObjectNode relayout(Case c, JsonNode entry, JsonNode info) throws IOException {
    ObjectNode o = ((ObjectNode) entry).deepCopy();
    long[] shape = longs(entry.path("shape"));
    String layout = info.path("layout").asText("onnx");
    int[] order = order(shape, layout, info.has("flattenedFrom")
        ? longs(info.path("flattenedFrom")) : null);
    o.set("shape", JSON.valueToTree(modelShape(shape, layout)));
    double[] data = data(c, entry);
    if (data != null && entry.path("dtype").asText().equals("int64")) {
      // tfjs has no int64: the converter stores int32, "to the end" markers (INT64_MAX) clamped
      for (int i = 0; i < data.length; i++) {
        data[i] = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, data[i]));
      }
    }
    if (data != null) {
      ArrayNode values = o.putArray("data");
      for (int i = 0; i < data.length; i++) {
        values.add(data[order == null ? i : order[i]]);
      }
      o.remove("data_file");
      return o;
    }
    JsonNode sample = entry.path("sample");
    if (sample.isArray()) {
      long stride = entry.path("sample_stride").asLong();
      int[] inverse = order == null ? null : inverse(order);
      ArrayNode indices = o.putArray("sample_indices");
      for (int k = 0; k < sample.size(); k++) {
        int onnxIndex = (int) (k * stride);
        indices.add(inverse == null ? onnxIndex : inverse[onnxIndex]);
      }
    }
    return o;
  }

  /** The values of an entry (inline or from its data file), or null for a sample only. */
  private static double[] data(Case c, JsonNode entry) throws IOException {
    if (entry.path("data").isArray()) {
      double[] d = new double[entry.path("data").size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = entry.path("data").get(i).asDouble();
      }
      return d;
    }
    if (!entry.has("data_file")) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(c.dir().resolve("reference")
        .resolve(entry.path("data_file").asText()))).order(ByteOrder.LITTLE_ENDIAN);
    String dtype = entry.path("dtype").asText("float32");
    int size = switch (dtype) {
      case "float64", "int64" -> 8;
      case "bool", "uint8", "int8" -> 1;
      default -> 4;
    };
    double[] d = new double[b.capacity() / size];
    for (int i = 0; i < d.length; i++) {
      d[i] = switch (dtype) {
        case "float32" -> b.getFloat(i * 4);
        case "float64" -> b.getDouble(i * 8);
        case "int64" -> b.getLong(i * 8);
        case "int32" -> b.getInt(i * 4);
        default -> b.get(i);
      };
    }
    return d;
  }

  private static long[] modelShape(long[] shape, String layout) {
    if (!layout.equals("channels_last") || shape.length < 3) {
      return shape;
    }
    long[] out = new long[shape.length];
    out[0] = shape[0];
    for (int k = 2; k < shape.length; k++) {
      out[k - 1] = shape[k];
    }
    out[shape.length - 1] = shape[1];
    return out;
  }

  /**
   * For each element of the model's tensor (row-major), the index of the same element in the
   * ONNX tensor; null when the orders agree.
   */
  static int[] order(long[] shape, String layout, long[] flattenedFrom) {
    long[] nchw = layout.equals("flattened_channels_last") ? flattenedFrom : shape;
    if (layout.equals("onnx") || nchw.length < 3) {
      return null;
    }
    int rank = nchw.length;
    long[] strides = new long[rank];
    long acc = 1;
    for (int k = rank - 1; k >= 0; k--) {
      strides[k] = acc;
      acc *= nchw[k];
    }
    long[] nhwc = modelShape(nchw, "channels_last");
    int[] out = new int[(int) acc];
    int[] index = new int[rank];
    for (int p = 0; p < out.length; p++) {
      long src = index[0] * strides[0] + index[rank - 1] * strides[1];
      for (int k = 1; k < rank - 1; k++) {
        src += index[k] * strides[k + 1];
      }
      out[p] = (int) src;
      for (int k = rank - 1; k >= 0; k--) {
        if (++index[k] < nhwc[k]) {
          break;
        }
        index[k] = 0;
      }
    }
    return out;
  }

  private static int[] inverse(int[] order) {
    int[] inv = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      inv[order[i]] = i;
    }
    return inv;
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  public static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
