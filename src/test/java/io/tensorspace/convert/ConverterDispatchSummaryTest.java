package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.tensorflow.GraphOptions;
import io.tensorspace.testing.ModelCorpus;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one entry point serves every format: summaries and the SavedModel signature option. */
class ConverterDispatchSummaryTest {
  private static Path main(String id) {
    return ModelCorpus.byId(id).mainPath();
  }

  @Test
  void summaryListsKerasLayersAndGraphNodes() throws Exception {
    String keras = String.join("\n", new Converter()
        .summarize(main("keras2-h5/tensorspace-keras-mnist"), null, GraphOptions.DEFAULT).toLines());
    assertTrue(keras.contains("Conv2D_1") && keras.contains("[null, 24, 24, 6]"), keras);
    String graph = String.join("\n", new Converter()
        .summarize(main("frozen-pb/tsc-test-lenet-frozen"), null, GraphOptions.DEFAULT).toLines());
    assertTrue(graph.contains("MyConv2D_1"), graph);
  }

  @Test
  void signatureOptionPicksAnotherSignature(@TempDir Path temp) throws Exception {
    Path savedModel = ModelCorpus.byId("savedmodel/tfjs-node-module-with-multiple-signatures").dir();
    ConversionRequest request = new ConversionRequest(savedModel, null, temp.resolve("out"),
        List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE)
        .withGraphOptions(new GraphOptions("timestwo", Set.of("serve")));
    new Converter().convert(request);
    String modelJson = new ObjectMapper().readTree(temp.resolve("out/model.json").toFile())
        .path("signature").toString();
    assertTrue(modelJson.contains("output_0"), modelJson);

    ConversionException e = assertThrows(ConversionException.class, () -> new Converter().convert(
        request.withGraphOptions(new GraphOptions("no_such_signature", Set.of("serve")))));
    assertTrue(e.getMessage().contains("timestwo"), e.getMessage());
  }

  @Test
  void graphOptionsPrintStably() {
    assertEquals("GraphOptions[signature=s, tags=[a, b]]",
        new GraphOptions("s", Set.of("b", "a")).toString());
  }
}
