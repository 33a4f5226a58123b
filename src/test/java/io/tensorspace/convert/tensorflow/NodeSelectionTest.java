package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.GraphModel;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/** Default node selection, user selection, clear refusals and the summary, on real graphs. */
class NodeSelectionTest {
  /** What tensorspace-converter users asked for on these LeNets (golden/tsc-tf-graph-lenet). */
  private static final List<String> LENET = List.of("MyConv2D_1", "MyMaxPooling2D_1",
      "MyConv2D_2", "MyMaxPooling2D_2", "MyDense_1", "MyDense_2", "MySoftMax");

  @TempDir
  Path tmp;

  private static Path source(String id) {
    CorpusCase c = ModelCorpus.byId(id);
    return c.format().equals("savedmodel") ? c.dir() : c.mainPath();
  }

  private static List<String> select(String id, List<String> nodes) throws Exception {
    try (GraphModel model = new GraphConverter().read(source(id), nodes)) {
      return model.outputNodes();
    }
  }

  @Test
  void defaultSelectionOfHandWrittenLeNetsIsWhatTensorSpaceUsersPicked() throws Exception {
    for (String id : List.of("frozen-pb/tensorspace-lenet-frozen", "frozen-pb/tsc-test-lenet-frozen",
        "savedmodel/tensorspace-tf1-lenet-saved", "savedmodel/tsc-test-tf1-lenet-saved",
        "savedmodel/tsp-preprocess-tf1-lenet-saved")) {
      assertEquals(LENET, select(id, List.of()), id);
    }
  }

  @Test
  void defaultSelectionOfScopedGraphsIsTheLastOpOfEachLayerScope() throws Exception {
    assertEquals(List.of("Reshape", "Lenet/conv1_1/Relu", "Lenet/pool2_1/MaxPool",
        "Lenet/conv3_1/Relu", "Lenet/pool4_1/MaxPool", "Lenet/conv5_1/Relu",
        "Lenet/flat6_1/flatten/Reshape", "Lenet/fc7_1/Relu", "Lenet/fc9_1/Relu", "output"),
        select("frozen-pb/dl4j-lenet-frozen", List.of()));
    CorpusCase keras = ModelCorpus.byId("tfjs-graph/tfjs-examples-predictive-prefetching");
    List<String> picked = select(keras.id(), List.of());
    assertEquals(List.of("StatefulPartitionedCall/model/Cast",
        "StatefulPartitionedCall/model/ExpandDims", "StatefulPartitionedCall/model/Cast_1",
        "StatefulPartitionedCall/model/embedding/embedding_lookup",
        "StatefulPartitionedCall/model/concatenate/concat",
        "StatefulPartitionedCall/model/dense/Relu",
        "StatefulPartitionedCall/model/dense_1/Softmax"), picked);
    assertTrue(keras.referenceOutputNames().containsAll(picked));
  }

  @Test
  void withoutLayerLikeOpsTheSignatureOutputsAreExposed() throws Exception {
    assertEquals(List.of("Identity", "Identity_1"),
        select("savedmodel/tfjs-node-model-multi-output", List.of()));
  }

  @Test
  void userOrderIsKept() throws Exception {
    assertEquals(List.of("MySoftMax", "MyConv2D_1"),
        select("frozen-pb/tensorspace-lenet-frozen", List.of("MySoftMax", "MyConv2D_1")));
  }

  @Test
  void unknownNodeFailsWithTheClosestName() {
    ConversionException e = assertThrows(ConversionException.class,
        () -> select("frozen-pb/tensorspace-lenet-frozen", List.of("MyConv2d_1")));
    assertTrue(e.getMessage().contains("no node 'MyConv2d_1'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'MyConv2D_1'"), e.getMessage());
    assertTrue(e.getMessage().contains("frozen_model.pb"), e.getMessage());
  }

  @Test
  void whileLoopFailsNamingNodeAndOp() {
    ConversionException e = assertThrows(ConversionException.class,
        () -> select("frozen-pb/dl4j-primitive-gru-dynamic", List.of("output")));
    assertTrue(e.getMessage().matches("(?s).*node '[^']+' \\(needed by node 'output'\\).*"),
        e.getMessage());
    assertTrue(e.getMessage().contains("executeAsync()"), e.getMessage());
    assertTrue(e.getMessage().matches("(?s).*op '(TensorArray|Enter|Merge|Switch|Exit|LoopCond).*"),
        e.getMessage());
  }

  @Test
  void opOutsideTheTfjsOpListFailsNamingNodeAndOp() throws Exception {
    GraphDef graph = GraphDef.parseFrom(
        Files.readAllBytes(source("frozen-pb/tensorspace-lenet-frozen")));
    GraphDef.Builder changed = graph.toBuilder();
    for (int i = 0; i < changed.getNodeCount(); i++) {
      NodeDef node = changed.getNode(i);
      if (node.getName().equals("MyMaxPooling2D_1")) {
        changed.setNode(i, node.toBuilder().setOp("MyCustomPool"));
      }
    }
    Path pb = tmp.resolve("custom.pb");
    Files.write(pb, changed.build().toByteArray());
    ConversionException e = assertThrows(ConversionException.class,
        () -> new GraphConverter().read(pb, List.of("MySoftMax")));
    assertTrue(e.getMessage().contains("node 'MyMaxPooling2D_1' (needed by node 'MySoftMax')"),
        e.getMessage());
    assertTrue(e.getMessage().contains("op 'MyCustomPool' is not in TensorFlow.js's op list"),
        e.getMessage());
    // nodes before it stay selectable
    try (GraphModel model = new GraphConverter().read(pb, List.of("MyConv2D_1"))) {
      assertEquals(List.of("MyConv2D_1"), model.outputNodes());
    }
    // and the default selection refuses the model, since its output needs the op
    assertThrows(ConversionException.class, () -> new GraphConverter().read(pb, List.of()));
  }

  @Test
  void missingSignatureListsTheAvailableOnes() {
    ConversionException e = assertThrows(ConversionException.class,
        () -> select("savedmodel/dl4j-saved-model-counter", List.of()));
    assertTrue(e.getMessage().contains("no signature 'serving_default'"), e.getMessage());
    assertTrue(e.getMessage().contains("get_counter, incr_counter, incr_counter_by, reset_counter"),
        e.getMessage());
  }

  @Test
  void wrongTagsListTheAvailableOnes() {
    ConversionException e = assertThrows(ConversionException.class,
        () -> new GraphConverter("serving_default", Set.of("train"))
            .read(source("savedmodel/tfjs-node-times-three-float"), List.of()));
    assertTrue(e.getMessage().contains("no MetaGraph tagged [train]"), e.getMessage());
    assertTrue(e.getMessage().contains("[serve]"), e.getMessage());
  }

  @Test
  void summaryListsEverySelectableNodeWithOpShapeAndScope() throws Exception {
    GraphSummary summary = new GraphConverter()
        .summarize(source("savedmodel/tsc-test-tf1-lenet-saved"));
    assertEquals(LENET, summary.suggested());
    GraphSummary.Row input = summary.rows().stream()
        .filter(r -> r.name().equals("MyInput")).findFirst().orElseThrow();
    assertEquals("Placeholder", input.op());
    assertEquals("[-1, 28, 28, 1]", input.shape());
    assertFalse(summary.rows().stream().anyMatch(r -> r.op().equals("Const")));
    assertFalse(summary.rows().stream().anyMatch(r -> r.op().equals("ApplyAdam")),
        "training ops cannot run in tfjs and are not selectable");
    GraphSummary.Row conv = summary.rows().stream()
        .filter(r -> r.name().equals("MyConv2D_1")).findFirst().orElseThrow();
    assertEquals("Relu", conv.op());
    assertEquals("[-1, 24, 24, 6]", conv.shape());
    List<String> lines = summary.toLines();
    assertTrue(lines.get(0).contains("selectable nodes"), lines.get(0));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("*") && l.contains("MySoftMax")));
    GraphSummary keras = new GraphConverter()
        .summarize(source("tfjs-graph/tfjs-examples-predictive-prefetching"));
    assertTrue(keras.rows().stream().anyMatch(r -> r.scope().equals("StatefulPartitionedCall/model/dense")));
  }

  @Test
  void summaryShapesOfFrozenGraphsAgreeWithTheReferences() throws Exception {
    for (String id : List.of("frozen-pb/tensorspace-lenet-frozen", "frozen-pb/tsc-test-lenet-frozen",
        "frozen-pb/dl4j-mnist-00", "frozen-pb/dl4j-ae-00", "savedmodel/tsp-preprocess-tf1-lenet-saved")) {
      CorpusCase c = ModelCorpus.byId(id);
      GraphSummary summary = new GraphConverter().summarize(source(id));
      java.util.Map<String, String> shapes = new java.util.HashMap<>();
      summary.rows().forEach(r -> shapes.put(r.name(), r.shape()));
      for (com.fasterxml.jackson.databind.JsonNode output : c.reference().path("outputs")) {
        String name = output.path("layer").asText();
        String expected = output.path("shape").toString().replace(",", ", ");
        String actual = shapes.get(name).replace("-1", "1");
        assertEquals(expected, actual, id + " " + name);
      }
    }
  }

  @Test
  void savedModelWithoutSignatureIgnoresItsTrainingOps() throws Exception {
    Path copy = ModelCorpus.byId("savedmodel/tsc-test-tf1-lenet-saved").copyTo(tmp.resolve("m"));
    Path pb = copy.resolve("saved_model.pb");
    org.tensorflow.proto.SavedModel model =
        org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(pb));
    org.tensorflow.proto.SavedModel.Builder stripped = model.toBuilder();
    stripped.setMetaGraphs(0, model.getMetaGraphs(0).toBuilder().clearSignatureDef());
    Files.write(pb, stripped.build().toByteArray());
    try (GraphModel graph = new GraphConverter().read(copy, List.of())) {
      assertEquals(LENET, graph.outputNodes());
      assertEquals(null, graph.signature());
      assertFalse(graph.graph().nodes().stream()
          .anyMatch(n -> n.getOp().startsWith("Apply") || n.getName().startsWith("save/")));
    }
  }
}
