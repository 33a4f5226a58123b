package io.tensorspace.testing.onnx;

import com.google.protobuf.ByteString;
import io.tensorspace.testing.onnx.Onnx.AttributeProto;
import io.tensorspace.testing.onnx.Onnx.GraphProto;
import io.tensorspace.testing.onnx.Onnx.ModelProto;
import io.tensorspace.testing.onnx.Onnx.NodeProto;
import io.tensorspace.testing.onnx.Onnx.OperatorSetIdProto;
import io.tensorspace.testing.onnx.Onnx.TensorProto;
import io.tensorspace.testing.onnx.Onnx.TensorShapeProto;
import io.tensorspace.testing.onnx.Onnx.TypeProto;
import io.tensorspace.testing.onnx.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes an ONNX model the way exporters do (with the test-scope {@code onnx_min.proto} classes):
 * typed graph inputs, initializers in {@code raw_data}, nodes named and their outputs named in one
 * of the styles PyTorch used over the years. Weights are seeded from the model's name, so a member
 * is the same bytes on every run.
 */
public final class OnnxGraph {
  /** How node and tensor names look: PyTorch 1.13+ ({@code /Conv_1_output_0}), older ({@code onnx::Conv_3}), oldest ({@code 7}). */
  public enum Names { SCOPED, ONNX_PREFIX, NUMERIC }

  public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  public static final int INT64 = TensorProto.DataType.INT64_VALUE;

  private final GraphProto.Builder graph;
  private final SplittableRandom random;
  private final Names names;
  private int counter;

  public OnnxGraph(String name, Names names) {
    this.graph = GraphProto.newBuilder().setName(name);
    this.random = new SplittableRandom(name.hashCode());
    this.names = names;
  }

  /** A float graph input of fixed shape. */
  public String input(String name, long... dims) {
    graph.addInput(valueInfo(name, FLOAT, dims));
    return name;
  }

  /** The model's float input, named as exporters of the naming style named it. */
  public String in(long... dims) {
    return input(switch (names) {
      case SCOPED -> "input";
      case ONNX_PREFIX -> "input.1";
      case NUMERIC -> "0";
    }, dims);
  }

  /** A graph input of the given element type. */
  public String input(String name, int elemType, long... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
    return name;
  }

  /** Marks a value as graph output (element type float, shape filled in by the oracle). */
  public void output(String name) {
    output(name, FLOAT);
  }

  /** A float graph output with its shape, as exporters write it. */
  public void outputShaped(String name, long... dims) {
    graph.addOutput(valueInfo(name, FLOAT, dims));
  }

  public void output(String name, int elemType) {
    graph.addOutput(ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(elemType))));
  }

  /** Weights uniform in [-scale, scale]. */
  public String weight(String name, double scale, long... dims) {
    float[] values = new float[Math.toIntExact(count(dims))];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return floats(name, dims, values);
  }

  /** Weights uniform in [low, high] (e.g. positive variances). */
  public String positive(String name, double low, double high, long... dims) {
    float[] values = new float[Math.toIntExact(count(dims))];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (low + random.nextDouble() * (high - low));
    }
    return floats(name, dims, values);
  }

  public String floats(String name, long[] dims, float... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    graph.addInitializer(tensor(name, FLOAT, dims).setRawData(ByteString.copyFrom(raw.array())));
    return name;
  }

  public String scalar(String name, float value) {
    return floats(name, new long[0], value);
  }

  public String int64s(String name, long[] dims, long... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    graph.addInitializer(tensor(name, INT64, dims).setRawData(ByteString.copyFrom(raw.array())));
    return name;
  }

  /** A 1-D int64 initializer (shapes, axes, pads, indices). */
  public String ints(String name, long... values) {
    return int64s(name, new long[] {values.length}, values);
  }

  /** A {@code Constant} node holding a 1-D int64 tensor, as exporters emit shapes. */
  public String constantInts(long... values) {
    TensorProto t = tensor("", INT64, new long[] {values.length})
        .setRawData(littleEndian(values)).build();
    return node("Constant", List.of(), Attr.tensor("value", t));
  }

  /** One node with one output; returns the output's name. */
  public String node(String op, List<String> inputs, AttributeProto... attributes) {
    return nodeOutputs(op, inputs, 1, attributes)[0];
  }

  /** One node with {@code outputs} outputs. */
  public String[] nodeOutputs(String op, List<String> inputs, int outputs,
      AttributeProto... attributes) {
    int k = counter++;
    String nodeName = switch (names) {
      case SCOPED -> "/" + op + (k == 0 ? "" : "_" + k);
      case ONNX_PREFIX -> op + "_" + k;
      case NUMERIC -> "";
    };
    String[] out = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      out[i] = switch (names) {
        case SCOPED -> nodeName + "_output_" + i;
        case ONNX_PREFIX -> "onnx::" + op + "_" + (100 + 10 * k + i);
        case NUMERIC -> Integer.toString(100 + 10 * k + i);
      };
    }
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).addAllInput(inputs)
        .addAllOutput(Arrays.asList(out)).addAllAttribute(Arrays.asList(attributes));
    if (!nodeName.isEmpty()) {
      node.setName(nodeName);
    }
    graph.addNode(node);
    return out;
  }

  /** Lists every initializer as a graph input too, as exporters did before IR version 4. */
  public void initializersAsInputs() {
    for (TensorProto t : graph.getInitializerList()) {
      graph.addInput(valueInfo(t.getName(), t.getDataType(),
          t.getDimsList().stream().mapToLong(Long::longValue).toArray()));
    }
  }

  /** The model importing the default domain at {@code opset}, with the IR version of that opset's ONNX release. */
  public ModelProto model(int opset) {
    return ModelProto.newBuilder().setIrVersion(irVersion(opset))
        .setProducerName("tensorspace-tests").setProducerVersion("1")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph).build();
  }

  public GraphProto graph() {
    return graph.build();
  }

  /** The IR version ONNX released together with the opset. */
  static long irVersion(int opset) {
    if (opset <= 8) {
      return 3;
    }
    if (opset <= 11) {
      return opset - 5;
    }
    return opset <= 14 ? 7 : 8;
  }

  public static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  private static TensorProto.Builder tensor(String name, int type, long[] dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setDataType(type);
    for (long d : dims) {
      t.addDims(d);
    }
    return name.isEmpty() ? t : t.setName(name);
  }

  private static ByteString littleEndian(long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return ByteString.copyFrom(raw.array());
  }

  static long count(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }
}
