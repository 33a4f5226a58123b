package io.tensorspace.convert.tensorflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.tensorflow.GraphConformanceTest.Conversion;
import io.tensorspace.testing.TfjsJob;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph-model that computes, for each selected node, how far quantizing the weights can move
 * it (see {@link GraphQuantizationConformanceTest}): two copies of the unquantized graph, the
 * lower one with every float32 constant W made |W|, the upper one with |W| + e (e the largest
 * error quantization may make in each element), both run on the absolute values of the reference
 * inputs with each op replaced by a monotone one that bounds it (Sub by Add, Tanh and Softmax by
 * Identity, Sigmoid(x) by Sigmoid(x) + x, MaxPool by the window's sum); node {@code n/bound} is
 * {@code upper(n) - lower(n)}. Run against a reference of zeros, tfjs reports its largest value
 * as the difference.
 */
final class MagnitudeNetwork {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String UPPER = "/upper";
  static final String BOUND = "/bound";

  private MagnitudeNetwork() {}

  /**
   * The tfjs 4 job for {@code plain} (the unquantized conversion), given the largest quantization
   * error of each element of each float32 weight, by name. {@code saturating} keeps Tanh and Sigmoid as they are: no longer
   * a proof, a first-order estimate, for recurrent graphs whose strict bound overflows.
   */
  static TfjsJob job(String id, Conversion plain, Map<String, float[]> errors, Path dir,
      boolean saturating) throws Exception {
    Files.createDirectories(dir);
    ObjectNode model = (ObjectNode) JSON.readTree(plain.output().resolve("model.json").toFile());
    ArrayNode nodes = (ArrayNode) model.path("modelTopology").path("node");
    ObjectNode group = (ObjectNode) model.path("weightsManifest").get(0);
    ArrayNode specs = (ArrayNode) group.path("weights");
    ByteBuffer source = GraphQuantizationConformanceTest.shards(plain.output());
    ByteArrayOutputStream lower = new ByteArrayOutputStream();
    ByteArrayOutputStream upper = new ByteArrayOutputStream();
    List<ObjectNode> upperSpecs = new ArrayList<>();
    for (JsonNode spec : specs) {
      String name = spec.path("name").asText();
      int n = (int) GraphQuantizationConformanceTest.elements(spec);
      boolean float32 = spec.path("dtype").asText().equals("float32");
      int bytes = n * (spec.path("dtype").asText().equals("bool") ? 1 : 4);
      byte[] raw = new byte[bytes];
      source.get(raw);
      if (float32) {
        float[] error = errors.get(name);
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer lo = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer hi = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < n; k++) {
          float w = Math.abs(in.getFloat());
          lo.putFloat(w);
          hi.putFloat(w + (error == null ? 0 : error[k]));
        }
        lower.write(lo.array());
        upper.write(hi.array());
      } else {
        lower.write(raw);
        upper.write(raw);
      }
      ObjectNode copy = spec.deepCopy();
      copy.put("name", name + UPPER);
      upperSpecs.add(copy);
    }
    upperSpecs.forEach(specs::add);
    List<ObjectNode> extra = new ArrayList<>();
    ByteArrayOutputStream constants = new ByteArrayOutputStream();
    List<ObjectNode> rewritten = rewriteOps(nodes, extra, constants, saturating);
    ArrayNode newNodes = JSON.createArrayNode();
    rewritten.forEach(newNodes::add);
    for (ObjectNode node : rewritten) {
      if (!node.path("op").asText().equals("Placeholder")) {
        newNodes.add(upperCopy(node, rewritten));
      }
    }
    extra.forEach(specs::add);
    for (String output : plain.nodes()) {
      ObjectNode bound = newNodes.addObject();
      bound.put("name", output + BOUND);
      bound.put("op", "Sub");
      bound.putArray("input").add(output + UPPER).add(output);
      bound.putObject("attr").putObject("T").put("type", "DT_FLOAT");
    }
    ((ObjectNode) model.path("modelTopology")).set("node", newNodes);
    group.putArray("paths").add("weights.bin");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(lower.toByteArray());
    all.write(upper.toByteArray());
    all.write(constants.toByteArray());
    Files.write(dir.resolve("weights.bin"), all.toByteArray());
    model.remove("signature");
    model.remove("userDefinedMetadata");
    JSON.writeValue(dir.resolve("model.json").toFile(), model);
    Path reference = dir.resolve("bound-reference.json");
    JSON.writeValue(reference.toFile(), reference(plain.corpusCase().referencePath()));
    List<String> executed = plain.nodes().stream().map(n -> n + BOUND).toList();
    return new TfjsJob(id, TfjsJob.TFJS_4, dir, "model.json", TfjsJob.GRAPH, reference, executed,
        plain.referenceNames());
  }

  /** The node renamed into the upper copy, its non-placeholder inputs too. */
  private static ObjectNode upperCopy(ObjectNode node, List<ObjectNode> all) {
    Set<String> placeholders = new HashSet<>();
    all.stream().filter(n -> n.path("op").asText().equals("Placeholder"))
        .forEach(n -> placeholders.add(n.path("name").asText()));
    ObjectNode copy = node.deepCopy();
    copy.put("name", node.path("name").asText() + UPPER);
    ArrayNode inputs = copy.putArray("input");
    for (JsonNode input : node.path("input")) {
      String ref = input.asText();
      String name = Tensors.node(ref);
      String suffix = ref.substring(name.length());
      inputs.add(placeholders.contains(name) ? ref : name + UPPER + suffix);
    }
    return copy;
  }

  /**
   * Float ops made monotone bounds of themselves; integer ops (shapes, indices) kept. New scalar
   * constants go to {@code extra} (manifest) and {@code constants} (bytes).
   */
  private static List<ObjectNode> rewriteOps(ArrayNode nodes, List<ObjectNode> extra,
      ByteArrayOutputStream constants, boolean saturating) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode n : nodes) {
      ObjectNode node = (ObjectNode) n.deepCopy();
      out.add(node);
      if (!Set.of("DT_FLOAT", "DT_DOUBLE", "DT_HALF")
          .contains(node.path("attr").path("T").path("type").asText())) {
        continue;
      }
      String name = node.path("name").asText();
      String op = node.path("op").asText();
      if (saturating && (op.equals("Tanh") || op.equals("Sigmoid"))) {
        continue;
      }
      switch (op) {
        case "Sub" -> node.put("op", "Add");
        case "Tanh", "Softmax", "Neg" -> node.put("op", "Identity");
        case "Sigmoid" -> {
          ObjectNode sigmoid = node.deepCopy();
          sigmoid.put("name", name + "/magnitude_sigmoid");
          out.add(sigmoid);
          node.put("op", "Add");
          node.putArray("input").add(name + "/magnitude_sigmoid")
              .add(sigmoid.path("input").get(0).asText());
        }
        case "MaxPool" -> {
          ObjectNode average = node.deepCopy();
          average.put("name", name + "/magnitude_avg");
          average.put("op", "AvgPool");
          out.add(average);
          long window = 1;
          for (JsonNode k : node.path("attr").path("ksize").path("list").path("i")) {
            window *= k.asLong();
          }
          ObjectNode size = JSON.createObjectNode();
          size.put("name", name + "/magnitude_window");
          size.put("op", "Const");
          ObjectNode attr = size.putObject("attr");
          attr.putObject("dtype").put("type", "DT_FLOAT");
          attr.putObject("value").putObject("tensor").put("dtype", "DT_FLOAT")
              .putObject("tensorShape");
          out.add(size);
          ObjectNode spec = JSON.createObjectNode();
          spec.put("name", name + "/magnitude_window");
          spec.putArray("shape");
          spec.put("dtype", "float32");
          extra.add(spec);
          ObjectNode upperSpec = spec.deepCopy();
          upperSpec.put("name", name + "/magnitude_window" + UPPER);
          extra.add(upperSpec);
          byte[] bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
              .putFloat(window).array();
          constants.writeBytes(bytes);
          constants.writeBytes(bytes);
          node.put("op", "Mul");
          node.remove("attr");
          node.putObject("attr").putObject("T").put("type", "DT_FLOAT");
          node.putArray("input").add(name + "/magnitude_avg").add(name + "/magnitude_window");
        }
        default -> { }
      }
    }
    return out;
  }

  /** Absolute float inputs, zero outputs, a tolerance nothing exceeds. */
  private static ObjectNode reference(Path original) throws Exception {
    ObjectNode ref = (ObjectNode) JSON.readTree(original.toFile());
    ref.put("tolerance", 1e30);
    for (JsonNode input : ref.path("inputs")) {
      if (input.path("dtype").asText().startsWith("float")) {
        ArrayNode data = (ArrayNode) input.path("data");
        for (int i = 0; i < data.size(); i++) {
          data.set(i, Math.abs(data.get(i).asDouble()));
        }
      }
    }
    for (JsonNode output : ref.path("outputs")) {
      ArrayNode data = (ArrayNode) output.path("data");
      for (int i = 0; i < data.size(); i++) {
        data.set(i, 0);
      }
    }
    return ref;
  }
}
