package io.tensorspace.convert.tensorflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.StridedSlice;
import org.tensorflow.op.core.TensorListStack;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * TF2-style recurrent SavedModels written by the real TensorFlow runtime (TF Java): the loop
 * tf.keras lowers an {@code LSTM}/{@code GRU}/{@code SimpleRNN} layer to, a {@code While} whose
 * loop variables are {@code (loop_counter, maximum_iterations, time, output TensorList, states...,
 * time_steps, input TensorList, weights...)}, reading the time-major input with
 * {@code TensorListGetItem} and writing each step's output with {@code TensorListSetItem}, inside a
 * function the signature calls. The reference is TF Java running the SavedModel it wrote.
 */
final class RnnSavedModels {
  enum Cell {
    SIMPLE_RNN(1, 1), GRU(3, 1), LSTM(4, 2);

    final int gates;
    final int states;

    Cell(int gates, int states) {
      this.gates = gates;
      this.states = states;
    }
  }

  /**
   * One generated model.
   *
   * @param maxIterationsFromMax {@code maximum_iterations} computed by a {@code Max} (as
   *     {@code tf.reduce_max(input_length)} gives it), not a constant
   * @param stateless {@code StatelessWhile} instead of {@code While}
   * @param dense a Dense layer on the last step's output
   * @param dynamicSteps the signature leaves the number of time steps open
   * @param lastWriteOnly without return_sequences, the output list has one item that every step
   *     overwrites (Keras 2.13+ {@code return_all_outputs=False}) instead of one item per step
   * @param variables the weights are resource variables that the loop body reads (as Keras's
   *     SimpleRNN cell does), restored from the SavedModel's checkpoint, instead of constants
   *     passed into the loop
   * @param stacked a second layer of the same cell on the first one's sequence (its own loop,
   *     counting its steps by the first loop's output), constant weights only
   */
  record Spec(Cell cell, int units, int steps, int features, boolean returnSequences,
      boolean dense, boolean maxIterationsFromMax, boolean stateless, boolean dynamicSteps,
      boolean lastWriteOnly, boolean variables, boolean stacked, long seed) {
    String id() {
      return cell.name().toLowerCase() + "-u" + units + "-t" + steps + "-f" + features
          + (returnSequences ? "-seq" : "-last") + (dense ? "-dense" : "")
          + (maxIterationsFromMax ? "-max" : "") + (stateless ? "-stateless" : "")
          + (dynamicSteps ? "-dynamic" : "") + (lastWriteOnly ? "-write0" : "")
          + (variables ? "-variables" : "") + (stacked ? "-stacked" : "");
    }

    /** The signature's time dimension: unknown (-1) for a dynamic-length signature. */
    long signatureSteps() {
      return dynamicSteps ? -1 : steps;
    }
  }

  static final String INPUT = "x";
  static final String OUTPUT = "output";
  private static final String RESTORE = "restore_weights";
  private static final List<String> WEIGHTS = List.of("kernel", "recurrent_kernel", "bias");

  private RnnSavedModels() {}

  /**
   * Writes the SavedModel of {@code spec} into {@code dir}. A dynamic-length spec loops like
   * tf.keras without {@code maximum_iterations}: {@code time < time_steps} only, time_steps taken
   * from the input's runtime shape.
   */
  static void write(Spec spec, Path dir) throws IOException {
    TVariant.register();
    Random random = new Random(spec.seed());
    float[][] kernel = weights(random, spec.features(), spec.cell().gates * spec.units());
    float[][] recurrent = weights(random, spec.units(), spec.cell().gates * spec.units());
    // Keras' GRU (reset_after) has two bias rows: the input's and the recurrent one
    float[][] bias = weights(random, spec.cell() == Cell.GRU ? 2 : 1, spec.cell().gates * spec.units());
    float[][] denseKernel = weights(random, spec.units(), 3);
    float[] denseBias = weights(random, 1, 3)[0];

    DataType[] types = loopTypes(spec);
    try (Graph g = new Graph(); Session session = new Session(g)) {
      ConcreteFunction cond = ConcreteFunction.create(tf -> condition(tf, spec, types));
      // only the last layer, without return_sequences, may keep just the last step's output
      boolean writeLast = spec.lastWriteOnly() && !spec.returnSequences();
      ConcreteFunction body = ConcreteFunction.create(
          tf -> step(tf, spec, spec.features(), writeLast && !spec.stacked(), types));
      ConcreteFunction body2 = ConcreteFunction.create(
          tf -> step(tf, spec, spec.units(), writeLast, types));
      List<float[][]> second = List.of(weights(random, spec.units(), spec.cell().gates * spec.units()),
          weights(random, spec.units(), spec.cell().gates * spec.units()),
          weights(random, spec.cell() == Cell.GRU ? 2 : 1, spec.cell().gates * spec.units()));
      List<float[][]> values = List.of(kernel, recurrent, bias);
      ConcreteFunction model = ConcreteFunction.create(tf -> model(tf, spec, cond,
          List.of(body, body2), List.of(values, second), denseKernel, denseBias));
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.withName(INPUT).placeholder(TFloat32.class,
          org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, spec.signatureSteps(), spec.features())));
      Map<String, Operand<?>> args = new LinkedHashMap<>();
      args.put("inputs", x);
      List<Operand<?>> handles = new ArrayList<>();
      List<Op> init = new ArrayList<>();
      if (spec.variables()) {
        for (int i = 0; i < WEIGHTS.size(); i++) {
          Operand<?> handle = tf.withName(WEIGHTS.get(i)).varHandleOp(TFloat32.class,
              Shape.of(values.get(i).length, values.get(i)[0].length),
              VarHandleOp.sharedName(WEIGHTS.get(i)));
          handles.add(handle);
          init.add(tf.assignVariableOp(handle, tf.constant(values.get(i))));
          args.put(WEIGHTS.get(i), handle);
        }
      }
      Operand<?> y = tf.withName("StatefulPartitionedCall").call(model, args).get(OUTPUT);
      Signature signature = Signature.builder().key("serving_default").input(INPUT, x)
          .output(OUTPUT, y).build();
      Files.createDirectories(dir);
      Path checkpoint = dir.resolve("variables").resolve("variables");
      Op save = spec.variables() ? checkpointOps(tf, checkpoint, handles) : null;
      SavedModelBundle.exporter(dir.toString())
          .withFunction(SessionFunction.create(signature, session)).export();
      if (!spec.variables()) {
        // the same graph as a frozen GraphDef (no signature; its weights are constants already)
        Files.write(frozen(dir), g.toGraphDef().toByteArray());
      }
      if (spec.variables()) {
        // TF Java's exporter saves reference variables only: the resource ones are saved here,
        // by TensorFlow's SaveV2, under their shared names (what TF1-style loaders look up)
        Session.Runner runner = session.runner();
        init.forEach(runner::addTarget);
        runner.run();
        session.runner().addTarget(save).run();
      }
    }
  }

  /** Where {@link #write} puts the frozen GraphDef of a SavedModel without variables. */
  static Path frozen(Path dir) {
    return dir.resolveSibling(dir.getFileName() + ".pb");
  }

  /** SaveV2 of the variables, and {@code restore_weights} (RestoreV2 + assign) for loading. */
  private static Op checkpointOps(Ops tf, Path checkpoint, List<Operand<?>> handles) {
    Operand<TString> prefix = tf.constant(checkpoint.toString());
    Operand<TString> names = tf.constant(StandardCharsets.UTF_8, WEIGHTS.toArray(new String[0]));
    Operand<TString> slices = tf.constant(StandardCharsets.UTF_8, new String[] {"", "", ""});
    List<Operand<?>> reads = new ArrayList<>();
    for (Operand<?> handle : handles) {
      reads.add(tf.readVariableOp(handle, TFloat32.class));
    }
    Op save = tf.train.save(prefix, names, slices, reads);
    List<Class<? extends TType>> dtypes = List.of(TFloat32.class, TFloat32.class, TFloat32.class);
    var restored = tf.train.restore(prefix, names, slices, dtypes);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < handles.size(); i++) {
      assigns.add(tf.assignVariableOp(handles.get(i), restored.tensors().get(i)));
    }
    tf.withControlDependencies(assigns).withName(RESTORE).noOp();
    return save;
  }

  /** Runs the SavedModel in TF Java: the signature output for {@code input} (batch 1). */
  static float[] run(Path dir, Spec spec, float[] input) {
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
        TFloat32 in = TFloat32.tensorOf(Shape.of(1, spec.steps(), spec.features()),
            DataBuffers.of(input))) {
      if (spec.variables()) {
        bundle.session().runner().addTarget(RESTORE).run();
      }
      try (Result result = bundle.function("serving_default").call(Map.of(INPUT, in))) {
        TFloat32 out = (TFloat32) result.get(OUTPUT).orElseThrow();
        float[] values = new float[(int) out.size()];
        out.asRawTensor().data().asFloats().read(values);
        return values;
      }
    }
  }

  /** The deterministic input of a spec (batch 1), values in [-1, 1). */
  static float[] input(Spec spec) {
    float[] x = new float[spec.steps() * spec.features()];
    for (int i = 0; i < x.length; i++) {
      x[i] = 2f * ((i * 7919L + spec.seed()) % 1000) / 1000f - 1f;
    }
    return x;
  }

  /** The shape of the signature output (batch 1). */
  static List<Integer> outputShape(Spec spec) {
    if (spec.returnSequences()) {
      return List.of(1, spec.steps(), spec.units());
    }
    return List.of(1, spec.dense() ? 3 : spec.units());
  }

  /**
   * A reference.json in the corpus format: the input, and {@code outputs} as name -> (shape, data).
   */
  static void writeReference(Path file, Spec spec, float[] input,
      Map<String, Map.Entry<List<Integer>, float[]>> outputs) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("source", "tf-java-1.1.0");
    // one oracle only (TF Java): 1e-6 stands for float32 rounding; the check's atol stays at its
    // 1e-5 floor either way
    root.put("tolerance", 1e-6);
    ArrayNode inputs = root.putArray("inputs");
    ObjectNode in = inputs.addObject();
    in.put("name", INPUT);
    in.putArray("shape").add(1).add(spec.steps()).add(spec.features());
    in.put("dtype", "float32");
    ArrayNode data = in.putArray("data");
    for (float v : input) {
      data.add(v);
    }
    ArrayNode outs = root.putArray("outputs");
    for (Map.Entry<String, Map.Entry<List<Integer>, float[]>> e : outputs.entrySet()) {
      ObjectNode o = outs.addObject();
      o.put("layer", e.getKey());
      ArrayNode shape = o.putArray("shape");
      e.getValue().getKey().forEach(shape::add);
      o.put("dtype", "float32");
      ArrayNode d = o.putArray("data");
      for (float v : e.getValue().getValue()) {
        d.add(v);
      }
    }
    Files.createDirectories(file.getParent());
    json.writeValue(file.toFile(), root);
  }

  private static float[][] weights(Random random, int rows, int cols) {
    float[][] w = new float[rows][cols];
    for (float[] row : w) {
      for (int j = 0; j < cols; j++) {
        row[j] = (random.nextFloat() - 0.5f);
      }
    }
    return w;
  }

  /** counter, maximum_iterations, time, output list, states..., time_steps, input list, weights. */
  private static DataType[] loopTypes(Spec spec) {
    List<DataType> t = new ArrayList<>(List.of(DataType.DT_INT32, DataType.DT_INT32,
        DataType.DT_INT32, DataType.DT_VARIANT));
    for (int i = 0; i < spec.cell().states; i++) {
      t.add(DataType.DT_FLOAT);
    }
    DataType weights = spec.variables() ? DataType.DT_RESOURCE : DataType.DT_FLOAT;
    t.addAll(List.of(DataType.DT_INT32, DataType.DT_VARIANT, weights, weights, weights));
    return t.toArray(new DataType[0]);
  }

  private static List<Output<?>> args(Ops tf, DataType[] types) {
    Graph g = (Graph) tf.scope().env();
    List<Output<?>> out = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      out.add(g.opBuilder("Placeholder", String.format("arg%02d", i), tf.scope())
          .setAttr("dtype", types[i]).build().output(0));
    }
    return out;
  }

  private static Signature signature(List<Output<?>> in, List<? extends Operand<?>> out) {
    Signature.Builder b = Signature.builder();
    for (int i = 0; i < in.size(); i++) {
      b.input(String.format("arg%02d", i), in.get(i));
    }
    for (int i = 0; i < out.size(); i++) {
      b.output(String.format("out%02d", i), out.get(i));
    }
    return b.build();
  }

  /**
   * {@code loop_counter < maximum_iterations && time < time_steps}, as while_v2 builds it for
   * Keras (whose maximum_iterations is time_steps itself when the length is not static).
   */
  @SuppressWarnings("unchecked")
  private static Signature condition(Ops tf, Spec spec, DataType[] types) {
    List<Output<?>> a = args(tf, types);
    int timeSteps = types.length - 5;
    Operand<TInt32> counter = (Operand<TInt32>) a.get(0);
    Operand<TInt32> max = (Operand<TInt32>) a.get(1);
    Operand<TInt32> time = (Operand<TInt32>) a.get(2);
    Operand<TInt32> steps = (Operand<TInt32>) a.get(timeSteps);
    Operand<TBool> ok = tf.math.logicalAnd(tf.withName("Less").math.less(counter, max),
        tf.withName("Less_1").math.less(time, steps));
    return signature(a, List.of(tf.withName("Identity").identity(ok)));
  }

  /** One time step: read x_t, run the cell, write h_t, advance the counters. */
  @SuppressWarnings("unchecked")
  private static Signature step(Ops tf, Spec spec, int features, boolean writeLast,
      DataType[] types) {
    List<Output<?>> a = args(tf, types);
    int s = spec.cell().states;
    Operand<TInt32> counter = (Operand<TInt32>) a.get(0);
    Operand<TInt32> time = (Operand<TInt32>) a.get(2);
    Operand<?> outList = a.get(3);
    Operand<TInt32> timeSteps = (Operand<TInt32>) a.get(4 + s);
    Operand<?> inList = a.get(5 + s);
    Operand<TFloat32> kernel = weight(tf, spec, a.get(6 + s), "ReadVariableOp");
    Operand<TFloat32> recurrent = weight(tf, spec, a.get(7 + s), "ReadVariableOp_1");
    Operand<TFloat32> bias = weight(tf, spec, a.get(8 + s), "ReadVariableOp_2");
    Operand<TFloat32> x = named(tf, "TensorArrayV2Read/TensorListGetItem").tensorListGetItem(
        inList, time, tf.constant(new int[] {-1, features}), TFloat32.class);
    Operand<TFloat32> h = (Operand<TFloat32>) a.get(4);
    List<Operand<TFloat32>> states = switch (spec.cell()) {
      case SIMPLE_RNN -> simpleRnn(tf, x, h, kernel, recurrent, bias);
      case GRU -> gru(tf, spec, x, h, kernel, recurrent, bias);
      case LSTM -> lstm(tf, x, h, (Operand<TFloat32>) a.get(5), kernel, recurrent, bias);
    };
    Operand<?> written = named(tf, "TensorArrayV2Write/TensorListSetItem")
        .tensorListSetItem(outList, writeLast ? tf.constant(0) : time, states.get(0));
    List<Operand<?>> next = new ArrayList<>();
    next.add(tf.withName("add_1").math.add(counter, tf.constant(1)));
    next.add(a.get(1));
    next.add(tf.withName("add").math.add(time, tf.constant(1)));
    next.add(written);
    next.addAll(states);
    next.add(timeSteps);
    next.add(inList);
    next.add(a.get(6 + s));
    next.add(a.get(7 + s));
    next.add(a.get(8 + s));
    List<Operand<?>> out = new ArrayList<>();
    for (int i = 0; i < next.size(); i++) {
      out.add(tf.withName(i == 0 ? "Identity" : "Identity_" + i).identity((Operand) next.get(i)));
    }
    return signature(a, out);
  }

  /** A weight argument of the body: read from its variable in each step, or the tensor itself. */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> weight(Ops tf, Spec spec, Operand<?> arg, String read) {
    return spec.variables() ? named(tf, read).readVariableOp(arg, TFloat32.class)
        : (Operand<TFloat32>) arg;
  }

  private static List<Operand<TFloat32>> simpleRnn(Ops tf, Operand<TFloat32> x,
      Operand<TFloat32> h, Operand<TFloat32> kernel, Operand<TFloat32> recurrent,
      Operand<TFloat32> bias) {
    var xw = tf.nn.biasAdd(tf.withName("MatMul").linalg.matMul(x, kernel), row(tf, bias, 0));
    var hu = tf.withName("MatMul_1").linalg.matMul(h, recurrent);
    return List.of(tf.withName("Tanh").math.tanh(tf.withName("add_2").math.add(xw, hu)));
  }

  private static List<Operand<TFloat32>> lstm(Ops tf, Operand<TFloat32> x, Operand<TFloat32> h,
      Operand<TFloat32> c, Operand<TFloat32> kernel, Operand<TFloat32> recurrent,
      Operand<TFloat32> bias) {
    var z = tf.withName("add_2").math.add(tf.withName("MatMul").linalg.matMul(x, kernel),
        tf.withName("MatMul_1").linalg.matMul(h, recurrent));
    var zb = tf.withName("BiasAdd").nn.biasAdd(z, row(tf, bias, 0));
    var gates = tf.withName("split").split(tf.constant(1), zb, 4L);
    var i = tf.withName("Sigmoid").math.sigmoid(gates.output().get(0));
    var f = tf.withName("Sigmoid_1").math.sigmoid(gates.output().get(1));
    var g = tf.withName("Tanh").math.tanh(gates.output().get(2));
    var o = tf.withName("Sigmoid_2").math.sigmoid(gates.output().get(3));
    var c2 = tf.withName("add_3").math.add(tf.withName("mul").math.mul(f, c),
        tf.withName("mul_1").math.mul(i, g));
    var h2 = tf.withName("mul_2").math.mul(o, tf.withName("Tanh_1").math.tanh(c2));
    return List.of(h2, c2);
  }

  private static List<Operand<TFloat32>> gru(Ops tf, Spec spec, Operand<TFloat32> x,
      Operand<TFloat32> h, Operand<TFloat32> kernel, Operand<TFloat32> recurrent,
      Operand<TFloat32> bias) {
    var mx = tf.withName("BiasAdd").nn.biasAdd(tf.withName("MatMul").linalg.matMul(x, kernel),
        row(tf, bias, 0));
    var mh = tf.withName("BiasAdd_1").nn.biasAdd(
        tf.withName("MatMul_1").linalg.matMul(h, recurrent), row(tf, bias, 1));
    var sx = tf.withName("split").split(tf.constant(1), mx, 3L).output();
    var sh = tf.withName("split_1").split(tf.constant(1), mh, 3L).output();
    var z = tf.withName("Sigmoid").math.sigmoid(tf.math.add(sx.get(0), sh.get(0)));
    var r = tf.withName("Sigmoid_1").math.sigmoid(tf.math.add(sx.get(1), sh.get(1)));
    var hh = tf.withName("Tanh").math.tanh(tf.math.add(sx.get(2),
        tf.withName("mul").math.mul(r, sh.get(2))));
    var keep = tf.withName("mul_1").math.mul(z, h);
    var update = tf.withName("mul_2").math.mul(tf.math.sub(tf.constant(1f), z), hh);
    return List.of(tf.withName("add_3").math.add(keep, update));
  }

  /** {@code tf} naming its next op {@code path} (name scopes separated by slashes). */
  private static Ops named(Ops tf, String path) {
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      tf = tf.withSubScope(parts[i]);
    }
    return tf.withName(parts[parts.length - 1]);
  }

  /** Row {@code r} of a bias matrix, as a vector. */
  private static Operand<TFloat32> row(Ops tf, Operand<TFloat32> bias, int r) {
    return tf.stridedSlice(bias, tf.constant(new int[] {r}), tf.constant(new int[] {r + 1}),
        tf.constant(new int[] {1}), StridedSlice.shrinkAxisMask(1L));
  }

  /** The model's function: the RNN layer(s), and a Dense layer if asked. */
  private static Signature model(Ops tf, Spec spec, ConcreteFunction cond,
      List<ConcreteFunction> bodies, List<List<float[][]>> weights, float[][] denseKernel,
      float[] denseBias) {
    Operand<TFloat32> x = tf.withName("inputs").placeholder(TFloat32.class,
        org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, spec.signatureSteps(), spec.features())));
    Signature.Builder signature = Signature.builder().input("inputs", x);
    List<Operand<?>> first = new ArrayList<>();
    String name = spec.cell().name().toLowerCase();
    Ops sequential = tf.withSubScope("sequential");
    Ops rnn = sequential.withSubScope(name);
    for (int i = 0; i < WEIGHTS.size(); i++) {
      if (spec.variables()) {
        Operand<TResource> handle = tf.withName(WEIGHTS.get(i) + "_resource")
            .placeholder(TResource.class);
        signature.input(WEIGHTS.get(i), handle);
        first.add(handle);
      } else {
        first.add(rnn.withName(WEIGHTS.get(i)).constant(weights.get(0).get(i)));
      }
    }
    Operand<TFloat32> y = layer(rnn, spec, x, spec.features(),
        spec.stacked() || spec.returnSequences(), cond, bodies.get(0), first);
    if (spec.stacked()) {
      Ops rnn2 = sequential.withSubScope(name + "_1");
      List<Operand<?>> second = new ArrayList<>();
      for (int i = 0; i < WEIGHTS.size(); i++) {
        second.add(rnn2.withName(WEIGHTS.get(i)).constant(weights.get(1).get(i)));
      }
      y = layer(rnn2, spec, y, spec.units(), spec.returnSequences(), cond, bodies.get(1), second);
    }
    if (spec.dense()) {
      Ops dense = sequential.withSubScope("dense");
      y = dense.withName("Softmax").nn.softmax(dense.withName("BiasAdd").nn.biasAdd(
          dense.withName("MatMul").linalg.matMul(y, dense.constant(denseKernel)),
          dense.constant(denseBias)));
    }
    return signature.output(OUTPUT, tf.withName("Identity").identity(y)).build();
  }

  /**
   * One RNN layer as tf.keras lowers it: time-major input list, zero states, the loop, the
   * stacked output (the sequence, or its last step).
   */
  private static Operand<TFloat32> layer(Ops rnn, Spec spec, Operand<TFloat32> x, int features,
      boolean sequences, ConcreteFunction cond, ConcreteFunction body, List<Operand<?>> weights) {
    var transpose = rnn.withName("transpose").linalg.transpose(x, rnn.constant(new int[] {1, 0, 2}));
    var batch = rnn.withName("strided_slice").stridedSlice(rnn.shape(x), rnn.constant(new int[] {0}),
        rnn.constant(new int[] {1}), rnn.constant(new int[] {1}), StridedSlice.shrinkAxisMask(1L));
    var zeros = rnn.withName("zeros").fill(rnn.stack(List.of(batch, rnn.constant(spec.units()))),
        rnn.constant(0f));
    var timeSteps = rnn.withName("strided_slice_1").stridedSlice(rnn.shape(transpose),
        rnn.constant(new int[] {0}), rnn.constant(new int[] {1}), rnn.constant(new int[] {1}),
        StridedSlice.shrinkAxisMask(1L));
    boolean writeLast = spec.lastWriteOnly() && !sequences;
    var outList = rnn.withName("TensorArrayV2_1").tensorListReserve(
        rnn.constant(new int[] {-1, spec.units()}),
        writeLast ? rnn.constant(1) : timeSteps, TFloat32.class);
    var inList = named(rnn, "TensorArrayUnstack/TensorListFromTensor").tensorListFromTensor(
        transpose, rnn.constant(new int[] {-1, features}));
    Operand<TInt32> max = spec.maxIterationsFromMax()
        ? rnn.withName("Max").max(rnn.constant(spec.steps()), rnn.constant(new int[0]))
        : spec.dynamicSteps() ? timeSteps
        : rnn.withName("maximum_iterations").constant(spec.steps());
    List<Operand<?>> init = new ArrayList<>();
    init.add(rnn.withName("loop_counter").constant(0));
    init.add(max);
    init.add(rnn.withName("time").constant(0));
    init.add(outList);
    for (int i = 0; i < spec.cell().states; i++) {
      init.add(zeros);
    }
    init.add(timeSteps);
    init.add(inList);
    init.addAll(weights);
    List<Output<?>> loop = spec.stateless()
        ? rnn.withName("while").statelessWhile(init, cond, body).output()
        : rnn.withName("while").whileOp(init, cond, body).output();
    @SuppressWarnings("unchecked")
    Operand<TFloat32> stacked = named(rnn, "TensorArrayV2Stack/TensorListStack").tensorListStack(
        loop.get(3), rnn.constant(new int[] {-1, spec.units()}), TFloat32.class,
        TensorListStack.numElements(writeLast ? 1 : spec.signatureSteps()));
    if (sequences) {
      return rnn.withName("transpose_1").linalg.transpose(stacked,
          rnn.constant(new int[] {1, 0, 2}));
    }
    return rnn.withName("strided_slice_2").stridedSlice(stacked, rnn.constant(new int[] {-1}),
        rnn.constant(new int[] {0}), rnn.constant(new int[] {1}), StridedSlice.shrinkAxisMask(1L));
  }
}
