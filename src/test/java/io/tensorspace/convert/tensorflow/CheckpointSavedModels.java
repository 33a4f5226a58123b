package io.tensorspace.convert.tensorflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * TF1-style SavedModels with variables, written by the real TensorFlow runtime (TF Java): a stack
 * of dense tanh layers whose kernels and biases are variables, plus unused variables that only
 * make the checkpoint index longer (many keys, so its blocks split). The reference is TF Java
 * running the SavedModel it wrote.
 */
final class CheckpointSavedModels {
  static final String INPUT = "x";

  /**
   * One generated model.
   *
   * @param widths input width, then each layer's units
   * @param extras unused variables in the checkpoint, of {@code extraSize} floats each
   */
  record Spec(int[] widths, int extras, int extraSize, long seed) {
    String id() {
      StringBuilder s = new StringBuilder("dense");
      for (int w : widths) {
        s.append('-').append(w);
      }
      return s.append("-x").append(extras).append('x').append(extraSize).toString();
    }

    int layers() {
      return widths.length - 1;
    }

    /** The node each layer's output is, in order. */
    List<String> nodes() {
      List<String> nodes = new ArrayList<>();
      for (int i = 0; i < layers(); i++) {
        nodes.add(layer(i) + "/Tanh");
      }
      return nodes;
    }
  }

  private CheckpointSavedModels() {}

  static String layer(int i) {
    return String.format("dense_%03d", i);
  }

  /** Writes the SavedModel of {@code spec} into {@code dir}. */
  static void write(Spec spec, Path dir) throws IOException {
    Random random = new Random(spec.seed());
    try (Graph g = new Graph(); Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName(INPUT).placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, spec.widths()[0])));
      Operand<TFloat32> h = x;
      for (int i = 0; i < spec.layers(); i++) {
        Ops scope = tf.withSubScope(layer(i));
        Operand<TFloat32> kernel = scope.withName("kernel").variable(
            tf.constant(matrix(random, spec.widths()[i], spec.widths()[i + 1])));
        Operand<TFloat32> bias = scope.withName("bias").variable(
            tf.constant(matrix(random, 1, spec.widths()[i + 1])[0]));
        h = scope.withName("Tanh").math.tanh(
            scope.withName("BiasAdd").nn.biasAdd(
                scope.withName("MatMul").linalg.matMul(h, kernel), bias));
      }
      for (int k = 0; k < spec.extras(); k++) {
        tf.withSubScope("optimizer").withSubScope(String.format("slot_%04d", k))
            .withName("momentum").variable(tf.constant(matrix(random, 1, spec.extraSize())[0]));
      }
      session.initialize();
      Signature signature = Signature.builder().key("serving_default").input(INPUT, x)
          .output("y", h).build();
      Files.createDirectories(dir);
      SavedModelBundle.exporter(dir.toString())
          .withFunction(SessionFunction.create(signature, session)).export();
    }
  }

  /** The deterministic input of a spec (batch 1), values in [-1, 1). */
  static float[] input(Spec spec) {
    float[] x = new float[spec.widths()[0]];
    for (int i = 0; i < x.length; i++) {
      x[i] = 2f * ((i * 7919L + spec.seed()) % 1000) / 1000f - 1f;
    }
    return x;
  }

  /**
   * Runs the SavedModel in TF Java and writes a reference.json (corpus format) with every layer's
   * output for {@link #input}.
   */
  static void writeReference(Spec spec, Path dir, Path file) throws IOException {
    float[] input = input(spec);
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("source", "tf-java-1.1.0");
    root.put("tolerance", 1e-6);
    ObjectNode in = root.putArray("inputs").addObject();
    in.put("name", INPUT);
    in.putArray("shape").add(1).add(input.length);
    in.put("dtype", "float32");
    ArrayNode data = in.putArray("data");
    for (float v : input) {
      data.add(v);
    }
    ArrayNode outs = root.putArray("outputs");
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
        TFloat32 x = TFloat32.tensorOf(Shape.of(1, input.length), DataBuffers.of(input))) {
      for (String node : spec.nodes()) {
        try (Result result = bundle.session().runner().feed(INPUT, x).fetch(node).run()) {
          Tensor t = result.get(0);
          float[] values = new float[(int) t.shape().size()];
          t.asRawTensor().data().asFloats().read(values);
          ObjectNode o = outs.addObject();
          o.put("layer", node);
          ArrayNode shape = o.putArray("shape");
          for (long d : t.shape().asArray()) {
            shape.add(d);
          }
          o.put("dtype", "float32");
          ArrayNode d = o.putArray("data");
          for (float v : values) {
            d.add(v);
          }
        }
      }
    }
    json.writeValue(file.toFile(), root);
  }

  private static float[][] matrix(Random random, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = random.nextFloat() - 0.5f;
      }
    }
    return m;
  }
}
