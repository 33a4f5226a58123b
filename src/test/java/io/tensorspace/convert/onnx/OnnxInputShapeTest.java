package io.tensorspace.convert.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.InputShapes;
import io.tensorspace.convert.tensorflow.GraphOptions;
import io.tensorspace.testing.OnnxCorpus;
import io.tensorspace.testing.OnnxRuntimeOracle;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import io.tensorspace.testing.onnx.Onnx.ModelProto;
import io.tensorspace.testing.onnx.Onnx.TensorShapeProto;
import io.tensorspace.testing.onnx.Onnx.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inputShape setting pins an ONNX model's dynamic dimensions: the corpus's exports with a
 * dynamic batch, and variants of its fixed-shape cases whose input dimensions were made dynamic
 * (each run by ONNX Runtime first), converted with the setting and compared with the case's
 * reference in both tfjs; without it, a dynamic dimension other than the batch is refused naming
 * input and dimension; a contradicting, misshapen or unknown setting is refused.
 */
class OnnxInputShapeTest {
  /** The corpus exports with dynamic dimensions, and the outputs compared (null: the default). */
  private static final Map<String, List<String>> DYNAMIC = new TreeMap<>(Map.of(
      "pt-cifar10-winml", List.of(), "pt-iris-mlp-winml", List.of(),
      "pt22-resize-bilinear", List.of()));

  @TempDir
  static Path tmp;

  @Test
  void pinnedCorpusModelsAndDynamicVariantsMatchInBothTfjs() throws Exception {
    List<TfjsJob> jobs = new ArrayList<>();
    int variants = 0;
    for (Map.Entry<String, List<String>> e : DYNAMIC.entrySet()) {
      OnnxCorpus.Case c = OnnxCorpus.byId(e.getKey());
      jobs.addAll(pinnedJobs(c, c.model(), shapeSetting(c, true), ops(c, e.getValue()),
          e.getKey()));
    }
    OnnxRuntimeOracle ort = new OnnxRuntimeOracle();
    System.out.println("[onnx-inputshape] fixed-shape cases varied: " + fixedCases());
    for (OnnxCorpus.Case c : fixedCases()) {
      ModelProto original = ModelProto.parseFrom(Files.readAllBytes(c.model()));
      var inputs = OnnxRuntimeOracle.inputs(original.getGraph());
      for (Set<Integer> dynamic : patterns(original)) {
        ModelProto variant = withDynamicDims(original, dynamic);
        try {
          ort.run(variant.toByteArray(), inputs, OptLevel.NO_OPT);
        } catch (ai.onnxruntime.OrtException ortRefused) {
          // a variant ORT cannot run is no member (opset-1 AveragePool has no kernel in ORT)
          System.out.println("[onnx-inputshape] ORT refuses " + c.id() + ": " + ortRefused);
          break;
        }
        String id = c.id() + "-dyn" + dynamic.stream().map(String::valueOf)
            .collect(Collectors.joining());
        Path file = Files.createDirectories(tmp.resolve("variants").resolve(id))
            .resolve("model.onnx");
        Files.write(file, variant.toByteArray());
        variants++;
        boolean named = variants % 2 == 0; // both spellings: 'name:1x..' and the lone '1x..'
        jobs.addAll(pinnedJobs(c, file, shapeSetting(c, named), List.of(), id));
        if (!dynamic.equals(Set.of(0))) {
          int dim = dynamic.stream().filter(k -> k > 0).min(Integer::compare).orElseThrow();
          ConversionException refused = assertThrows(ConversionException.class,
              () -> convert(file, tmp.resolve("unpinned-" + id), InputShapes.NONE, List.of()));
          String input = original.getGraph().getInput(0).getName();
          assertTrue(refused.getMessage().contains("input '" + input + "' has the dynamic"
              + " dimension " + dim + " ('d" + dim + "')") && refused.getMessage().contains(
              "x<d" + dim + ">"), refused.getMessage());
        }
      }
    }
    System.out.println("[onnx-inputshape] " + DYNAMIC.size() + " corpus models, " + variants
        + " dynamic variants run by ONNX Runtime, " + jobs.size() + " tfjs checks");
    assertTrue(variants >= 20, "variants: " + variants);
    Map<String, Double> worst = new TreeMap<>();
    for (TfjsResult r : TfjsClient.check(jobs)) {
      r.assertOk();
      worst.merge(r.tfjsVersion(), r.maxAbsDiff(), Math::max);
    }
    System.out.println("[onnx-inputshape] worst |diff| per tfjs: " + worst);
  }

  @Test
  void settingsThatDoNotFitTheModelAreRefused() throws Exception {
    OnnxCorpus.Case cifar = OnnxCorpus.byId("pt-cifar10-winml");
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("modelInput:1x3x32x31", "dimension 3 of input 'modelInput' as 31, but the"
        + " model fixes it to 32");
    expected.put("modelInput:1x3x32", "gives input 'modelInput' 3 dimensions, but it has 4");
    expected.put("image:1x3x32x32", "input 'image', which the model does not have; its inputs"
        + " are 'modelInput'");
    expected.put("modelInput:1x3x32x32;mask:1x32", "input 'mask', which the model does not"
        + " have; its inputs are 'modelInput'");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      ConversionException refused = assertThrows(ConversionException.class, () -> convert(
          cifar.model(), tmp.resolve("bad"), InputShapes.parse(e.getKey()), List.of()));
      assertTrue(refused.getMessage().contains(e.getValue()), refused.getMessage());
    }
    for (String text : List.of("1x3x0x32", "1x3xHx32", "a:1x3;1x3", "a:1x3;a:1x3", "1,3,32,32")) {
      assertThrows(ConversionException.class, () -> InputShapes.parse(text), text);
    }
    assertEquals("a:1x3;onnx::in:2x5", InputShapes.parse(" onnx::in : 2x5 ; a:1x3 ").toString());
    Path keras = OnnxCorpus.root().resolveSibling("models")
        .resolve("keras2-h5/tensorspace-keras-mnist/mnist.h5");
    ConversionException notOnnx = assertThrows(ConversionException.class,
        () -> convert(keras, tmp.resolve("keras"), InputShapes.parse("1x28x28x1"), List.of()));
    assertTrue(notOnnx.getMessage().contains("applies to ONNX models only"), notOnnx.getMessage());
  }

  /** Converts {@code model} with the setting and checks the case's reference in both tfjs. */
  private static List<TfjsJob> pinnedJobs(OnnxCorpus.Case c, Path model, InputShapes shapes,
      List<String> outputs, String id) throws Exception {
    Path out = tmp.resolve(id);
    convert(model, out, shapes, outputs);
    JsonNode json = OnnxCorpus.read(out.resolve("model.json"));
    List<String> nodes = new ArrayList<>();
    json.path("userDefinedMetadata").path("outputNodes").forEach(n -> nodes.add(n.asText()));
    List<String> names = new ArrayList<>();
    json.path("userDefinedMetadata").path("onnx").path("outputs").fieldNames()
        .forEachRemaining(names::add);
    Path reference = OnnxCorpus.referenceFor(c, out.resolve("model.json"),
        tmp.resolve("ref-" + id + ".json"));
    List<TfjsJob> jobs = new ArrayList<>();
    for (String v : TfjsJob.VERSIONS) {
      jobs.add(new TfjsJob(id + "@" + v, v, out, "model.json", TfjsJob.GRAPH, reference, nodes,
          names));
    }
    return jobs;
  }

  private static void convert(Path model, Path out, InputShapes shapes, List<String> outputs)
      throws Exception {
    new Converter().convert(new ConversionRequest(model, null, out, outputs, List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE).withGraphOptions(
        new GraphOptions("serving_default", Set.of("serve"), shapes)));
  }

  /** The reference's input shapes as the setting: 'name:1x3x32x32' or the lone '1x3x32x32'. */
  private static InputShapes shapeSetting(OnnxCorpus.Case c, boolean named) throws Exception {
    List<String> parts = new ArrayList<>();
    for (JsonNode in : OnnxCorpus.read(c.reference()).path("inputs")) {
      List<String> dims = new ArrayList<>();
      in.path("shape").forEach(d -> dims.add(d.asText()));
      parts.add((named ? in.path("name").asText() + ":" : "") + String.join("x", dims));
    }
    return InputShapes.parse(String.join(";", parts));
  }

  /** The reference outputs of the given ops (an empty list: the default selection). */
  private static List<String> ops(OnnxCorpus.Case c, List<String> ops) {
    List<String> names = new ArrayList<>();
    OnnxCorpus.read(c.reference()).path("outputs").forEach(o -> {
      if (ops.contains(o.path("op_type").asText())) {
        names.add(o.path("name").asText());
      }
    });
    return names;
  }

  /** The corpus cases that convert, with one fixed-shape float input of rank 2 to 4. */
  private static List<OnnxCorpus.Case> fixedCases() throws Exception {
    List<OnnxCorpus.Case> cases = new ArrayList<>();
    for (OnnxCorpus.Case c : OnnxCorpus.cases()) {
      if (c.expectsError() || OnnxCorpusTest.NOT_YET_SUPPORTED.containsKey(c.id())
          || c.id().startsWith("caffe2-") || DYNAMIC.containsKey(c.id())) {
        continue;
      }
      ModelProto m = ModelProto.parseFrom(Files.readAllBytes(c.model()));
      List<ValueInfoProto> inputs = realInputs(m);
      if (inputs.size() == 1 && inputs.get(0).getType().getTensorType().getElemType() == 1
          && inputs.get(0).getType().getTensorType().getShape().getDimList().stream()
              .allMatch(TensorShapeProto.Dimension::hasDimValue)) {
        cases.add(c);
      }
    }
    return cases;
  }

  /** Each dimension dynamic alone, the spatial ones together, and all of them. */
  private static List<Set<Integer>> patterns(ModelProto m) {
    int rank = realInputs(m).get(0).getType().getTensorType().getShape().getDimCount();
    List<Set<Integer>> patterns = new ArrayList<>();
    IntStream.range(0, rank).forEach(k -> patterns.add(Set.of(k)));
    if (rank == 4) {
      patterns.add(Set.of(2, 3));
    }
    patterns.add(IntStream.range(0, rank).boxed().collect(Collectors.toSet()));
    return patterns;
  }

  private static List<ValueInfoProto> realInputs(ModelProto m) {
    Set<String> init = m.getGraph().getInitializerList().stream().map(t -> t.getName())
        .collect(Collectors.toSet());
    return m.getGraph().getInputList().stream().filter(v -> !init.contains(v.getName())).toList();
  }

  /** The model with the given dimensions of its input made symbolic ('d' + index). */
  private static ModelProto withDynamicDims(ModelProto m, Set<Integer> dynamic) {
    ModelProto.Builder b = m.toBuilder();
    String name = realInputs(m).get(0).getName();
    for (int i = 0; i < b.getGraph().getInputCount(); i++) {
      if (!b.getGraph().getInput(i).getName().equals(name)) {
        continue;
      }
      TensorShapeProto.Builder shape = b.getGraphBuilder().getInputBuilder(i).getTypeBuilder()
          .getTensorTypeBuilder().getShapeBuilder();
      for (int k : dynamic) {
        shape.setDim(k, TensorShapeProto.Dimension.newBuilder().setDimParam("d" + k));
      }
    }
    // the shapes inferred for inner values would contradict a dynamic input: exporters drop them
    b.getGraphBuilder().clearValueInfo();
    return b.build();
  }
}
