package io.tensorspace.testing;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tensorspace.testing.onnx.Onnx.GraphProto;
import io.tensorspace.testing.onnx.Onnx.ModelProto;
import io.tensorspace.testing.onnx.Onnx.NodeProto;
import io.tensorspace.testing.onnx.Onnx.TensorProto;
import io.tensorspace.testing.onnx.Onnx.TensorShapeProto;
import io.tensorspace.testing.onnx.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ONNX Runtime as the oracle for ONNX models the tests write: runs a model with every node output
 * exposed and writes a case folder in the layout of the ONNX corpus ({@code <case>/<name>.onnx},
 * {@code <case>/reference/reference.json}, {@code .bin} files for tensors over 4096 values), with
 * the inputs and the tolerance computed as the corpus README says.
 */
public final class OnnxRuntimeOracle {
  public static final String SOURCE = "onnxruntime-java-1.20.0";
  private static final int INLINE = 4096;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** A computed tensor: float[], long[], int[] or byte[] (bool, uint8) data in row-major order. */
  public record Tensor(String dtype, long[] shape, Object data) {
    double value(int i) {
      if (data instanceof float[] f) {
        return f[i];
      }
      if (data instanceof long[] l) {
        return l[i];
      }
      return data instanceof int[] n ? n[i] : ((byte[]) data)[i];
    }

    int size() {
      return java.lang.reflect.Array.getLength(data);
    }
  }

  /** What a case holds: tolerance, the number of node outputs, the model file. */
  public record Reference(double tolerance, int outputs, Path model) {}

  private final OrtEnvironment env;

  public OnnxRuntimeOracle() {
    env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "tests");
  }

  /**
   * Runs {@code model} and writes {@code caseDir/<fileName>} (the model with the shapes of its
   * graph outputs filled in, as exporters write them) and {@code caseDir/reference/}.
   */
  public Reference writeCase(ModelProto model, Path caseDir, String fileName, String notes)
      throws IOException, OrtException {
    Map<String, Tensor> inputs = inputs(model.getGraph());
    byte[] exposed = exposeEveryNode(model).toByteArray();
    Map<String, Tensor> reference = run(exposed, inputs, OptLevel.NO_OPT);
    Map<String, Tensor> optimised = run(exposed, inputs, OptLevel.ALL_OPT);
    double[] tolerance = differences(reference, optimised);
    ModelProto completed = withOutputShapes(model, reference);
    Files.createDirectories(caseDir.resolve("reference"));
    Path file = caseDir.resolve(fileName);
    Files.write(file, completed.toByteArray());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("source", SOURCE);
    json.put("session_optimization", "ORT_DISABLE_ALL (NO_OPT), CPU EP, intra-op threads 1");
    json.put("tolerance", tolerance[0]);
    json.put("tolerance_scaled", tolerance[1]);
    json.put("layout", "ONNX native (NCHW for images); row-major flat data");
    json.put("notes", notes);
    Set<String> graphOutputs = model.getGraph().getOutputList().stream()
        .map(ValueInfoProto::getName).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    json.put("graph_outputs", List.copyOf(graphOutputs));
    Path refDir = caseDir.resolve("reference");
    List<Object> in = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      Map<String, Object> entry = entry(e.getKey(), e.getValue(), refDir);
      entry.put("from", e.getValue().data() instanceof long[]
          ? "pattern x[i]=(i*7919)%10" : "pattern x[i]=((i*7919)%1000)/1000");
      in.add(entry);
    }
    json.put("inputs", in);
    List<Object> out = new ArrayList<>();
    for (NodeProto node : model.getGraph().getNodeList()) {
      for (String name : node.getOutputList()) {
        if (name.isEmpty()) {
          continue;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", name);
        entry.put("node", node.getName());
        entry.put("op_type", node.getOpType());
        if (graphOutputs.contains(name)) {
          entry.put("graph_output", true);
        }
        entry.putAll(entry(name, reference.get(name), refDir));
        out.add(entry);
      }
    }
    json.put("outputs", out);
    json.put("skipped", List.of());
    JSON.writeValue(refDir.resolve("reference.json").toFile(), json);
    return new Reference(tolerance[0], out.size(), file);
  }

  /** Runs the model (its graph outputs only) on the corpus inputs; fails as ORT fails. */
  public Map<String, Tensor> run(byte[] model, Map<String, Tensor> inputs, OptLevel level)
      throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(level);
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(model, options)) {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
          for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            feed.put(e.getKey(), ortTensor(e.getValue()));
          }
          Map<String, Tensor> result = new LinkedHashMap<>();
          try (OrtSession.Result r = session.run(feed)) {
            for (Map.Entry<String, OnnxValue> e : r) {
              result.put(e.getKey(), tensor((OnnxTensor) e.getValue()));
            }
          }
          return result;
        } finally {
          feed.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  /** The corpus inputs for every graph input that is not an initializer. */
  public static Map<String, Tensor> inputs(GraphProto graph) {
    Set<String> initializers = graph.getInitializerList().stream().map(TensorProto::getName)
        .collect(Collectors.toSet());
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (ValueInfoProto v : graph.getInputList()) {
      if (initializers.contains(v.getName())) {
        continue;
      }
      long[] shape = v.getType().getTensorType().getShape().getDimList().stream()
          .mapToLong(TensorShapeProto.Dimension::getDimValue).toArray();
      int n = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b));
      if (v.getType().getTensorType().getElemType() == TensorProto.DataType.INT64_VALUE) {
        long[] data = new long[n];
        for (int i = 0; i < n; i++) {
          data[i] = (i * 7919L) % 10;
        }
        inputs.put(v.getName(), new Tensor("int64", shape, data));
      } else {
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
          data[i] = ((i * 7919L) % 1000) / 1000f;
        }
        inputs.put(v.getName(), new Tensor("float32", shape, data));
      }
    }
    return inputs;
  }

  /** The model with every node output appended to the graph outputs (name only). */
  public static ModelProto exposeEveryNode(ModelProto model) {
    GraphProto.Builder graph = model.getGraph().toBuilder();
    Set<String> present = graph.getOutputList().stream().map(ValueInfoProto::getName)
        .collect(Collectors.toSet());
    for (NodeProto node : model.getGraph().getNodeList()) {
      for (String name : node.getOutputList()) {
        if (!name.isEmpty() && present.add(name)) {
          graph.addOutput(ValueInfoProto.newBuilder().setName(name));
        }
      }
    }
    return model.toBuilder().setGraph(graph).build();
  }

  private static ModelProto withOutputShapes(ModelProto model, Map<String, Tensor> values) {
    GraphProto.Builder graph = model.getGraph().toBuilder();
    for (ValueInfoProto.Builder output : graph.getOutputBuilderList()) {
      Tensor t = values.get(output.getName());
      TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
      for (long d : t.shape()) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
      output.getTypeBuilder().getTensorTypeBuilder().setShape(shape);
    }
    return model.toBuilder().setGraph(graph).build();
  }

  /** {max |a-b|, max |a-b| / max(1, |a|)} over every value both runs computed. */
  private static double[] differences(Map<String, Tensor> a, Map<String, Tensor> b) {
    double abs = 0;
    double scaled = 0;
    for (Map.Entry<String, Tensor> e : a.entrySet()) {
      Tensor x = e.getValue();
      Tensor y = b.get(e.getKey());
      for (int i = 0; i < x.size(); i++) {
        double d = Math.abs(x.value(i) - y.value(i));
        abs = Math.max(abs, d);
        scaled = Math.max(scaled, d / Math.max(1, Math.abs(x.value(i))));
      }
    }
    return new double[] {abs, scaled};
  }

  private static Map<String, Object> entry(String name, Tensor t, Path refDir) throws IOException {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", name);
    entry.put("shape", t.shape());
    entry.put("dtype", t.dtype());
    if (t.size() <= INLINE) {
      entry.put("data", t.data() instanceof byte[] b ? unsigned(b) : t.data());
    } else {
      String file = name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".bin";
      Files.write(refDir.resolve(file), littleEndian(t));
      entry.put("data_file", file);
    }
    return entry;
  }

  private static int[] unsigned(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xff;
    }
    return out;
  }

  private static byte[] littleEndian(Tensor t) {
    if (t.data() instanceof byte[] b) {
      return b;
    }
    ByteBuffer buf = ByteBuffer.allocate(t.size() * (t.data() instanceof long[] ? 8 : 4))
        .order(ByteOrder.LITTLE_ENDIAN);
    if (t.data() instanceof float[] f) {
      buf.asFloatBuffer().put(f);
    } else if (t.data() instanceof long[] l) {
      buf.asLongBuffer().put(l);
    } else {
      buf.asIntBuffer().put((int[]) t.data());
    }
    return buf.array();
  }

  private OnnxTensor ortTensor(Tensor t) throws OrtException {
    return t.data() instanceof long[] l ? OnnxTensor.createTensor(env, LongBuffer.wrap(l), t.shape())
        : OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) t.data()), t.shape());
  }

  private static Tensor tensor(OnnxTensor t) {
    long[] shape = t.getInfo().getShape();
    OnnxJavaType type = t.getInfo().type;
    return switch (type) {
      case FLOAT -> new Tensor("float32", shape, toArray(t.getFloatBuffer()));
      case INT64 -> new Tensor("int64", shape, toArray(t.getLongBuffer()));
      case INT32 -> new Tensor("int32", shape, toArray(t.getIntBuffer()));
      case BOOL -> new Tensor("bool", shape, toArray(t.getByteBuffer()));
      case UINT8 -> new Tensor("uint8", shape, toArray(t.getByteBuffer()));
      default -> throw new IllegalStateException("no reference for " + type + " outputs");
    };
  }

  private static float[] toArray(FloatBuffer b) {
    float[] a = new float[b.remaining()];
    b.get(a);
    return a;
  }

  private static long[] toArray(LongBuffer b) {
    long[] a = new long[b.remaining()];
    b.get(a);
    return a;
  }

  private static int[] toArray(java.nio.IntBuffer b) {
    int[] a = new int[b.remaining()];
    b.get(a);
    return a;
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }
}
