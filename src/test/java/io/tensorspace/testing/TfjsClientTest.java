package io.tensorspace.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the TensorFlow.js check can pass and fail: a real golden model (made by the old tensorspace converter) must
 * pass in tfjs 1.7.4 and 4.22.0; the same model with one weight changed, without weights, with a wrong output count,
 * or missing altogether must fail. All jobs run in one {@link TfjsClient#check} call (one Node process per version).
 */
class TfjsClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static CorpusCase golden;
    private static final Map<String, TfjsResult> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void runChecker() throws Exception {
        golden = ModelCorpus.byId("golden/tsc-keras-combined-mnist");
        CorpusCase graphGolden = ModelCorpus.byId("golden/tsc-tf-graph-lenet");
        List<String> outputs = golden.referenceOutputNames();

        // one float of the shard changed: Conv2D_1/bias[0] += 0.5
        Path perturbed = golden.copyTo(tmp.resolve("perturbed"));
        addToWeight(perturbed.resolve("model.json"), "Conv2D_1/bias", 0.5f);
        // no weightsManifest: tfjs then silently initialises random weights
        Path noWeights = golden.copyTo(tmp.resolve("no-weights"));
        ObjectNode modelJson = (ObjectNode) JSON.readTree(noWeights.resolve("model.json").toFile());
        modelJson.remove("weightsManifest");
        JSON.writeValue(noWeights.resolve("model.json").toFile(), modelJson);

        List<TfjsJob> jobs = new ArrayList<>();
        for (String v : TfjsJob.VERSIONS) {
            jobs.add(TfjsJob.layers("golden@" + v, v, golden.mainPath(), golden.referencePath(), outputs));
            jobs.add(TfjsJob.graph("graph-golden@" + v, v, graphGolden.mainPath(), graphGolden.referencePath(),
                    graphGolden.referenceOutputNames()));
            jobs.add(TfjsJob.layers("perturbed@" + v, v, perturbed.resolve("model.json"), golden.referencePath(), outputs));
            jobs.add(TfjsJob.layers("no-weights@" + v, v, noWeights.resolve("model.json"), golden.referencePath(), outputs));
            jobs.add(TfjsJob.layers("missing@" + v, v, tmp.resolve("does-not-exist/model.json"), golden.referencePath(),
                    outputs));
            jobs.add(TfjsJob.layers("too-few-outputs@" + v, v, golden.mainPath(), golden.referencePath(),
                    List.of("Softmax")));
        }
        List<TfjsResult> results = TfjsClient.check(jobs);
        assertEquals(jobs.size(), results.size());
        for (int i = 0; i < jobs.size(); i++) {
            assertEquals(jobs.get(i).id(), results.get(i).id(), "results come back in job order");
            RESULTS.put(results.get(i).id(), results.get(i));
            System.out.println("[tfjs-check] " + results.get(i).id() + " ok=" + results.get(i).ok()
                    + " maxAbsDiff=" + results.get(i).maxAbsDiff() + " tfjs=" + results.get(i).tfjsVersion());
        }
    }

    @Test
    void goldenGoldenJsonMatchesItsReference() {
        JsonNode g = golden.json("golden.json");
        List<String> modelOutputs = new ArrayList<>();
        g.path("model_output_layers").forEach(n -> modelOutputs.add(n.asText()));
        assertEquals(modelOutputs, golden.referenceOutputNames());
        assertEquals("model.json", golden.mainFile());
    }

    @Test
    void goldenLayersModelPassesInBothVersions() {
        for (String v : TfjsJob.VERSIONS) {
            TfjsResult r = RESULTS.get("golden@" + v).assertOk();
            assertEquals(golden.referenceOutputNames().size(), r.outputs().size());
            assertTrue(r.tfjsVersion().startsWith(v + "."), r.tfjsVersion());
            double atol = Math.max(10 * golden.tolerance(), 1e-5);
            for (TfjsResult.Output o : r.outputs()) {
                assertTrue(o.ok(), r.describe());
                assertEquals(o.expectedShape(), o.shape());
                assertEquals(o.name(), o.modelName());
                assertNotNull(o.maxAbsDiff());
                assertTrue(o.maxAbsDiff() <= atol, r.describe());
            }
        }
    }

    @Test
    void goldenGraphModelPassesInBothVersions() {
        for (String v : TfjsJob.VERSIONS) {
            TfjsResult r = RESULTS.get("graph-golden@" + v).assertOk();
            assertEquals(7, r.outputs().size(), r.describe());
        }
    }

    @Test
    void oneChangedWeightFails() {
        for (String v : TfjsJob.VERSIONS) {
            TfjsResult r = RESULTS.get("perturbed@" + v);
            assertFalse(r.ok(), r.describe());
            assertFalse(r.outputs().get(0).ok(), "Conv2D_1 must be off: " + r.describe());
            assertTrue(r.outputs().get(0).maxAbsDiff() > 0.4, r.describe());
            assertTrue(r.error().contains("Conv2D_1"), r.error());
        }
    }

    @Test
    void randomWeightsFail() {
        for (String v : TfjsJob.VERSIONS) {
            TfjsResult r = RESULTS.get("no-weights@" + v);
            assertFalse(r.ok(), r.describe());
            assertEquals(7, r.outputs().size(), "it loads and runs, only the numbers are wrong: " + r.describe());
        }
    }

    @Test
    void missingModelFailsWithAnError() {
        for (String v : TfjsJob.VERSIONS) {
            TfjsResult r = RESULTS.get("missing@" + v);
            assertFalse(r.ok());
            assertNotNull(r.error());
            assertTrue(r.error().contains("404"), r.error());
            assertTrue(r.outputs().isEmpty());
        }
    }

    @Test
    void outputCountMismatchFails() {
        for (String v : TfjsJob.VERSIONS) {
            TfjsResult r = RESULTS.get("too-few-outputs@" + v);
            assertFalse(r.ok());
            assertTrue(r.error().contains("7 output(s)"), r.error());
        }
    }

    /** Adds {@code delta} to the first element of weight {@code name}, located through the weights manifest. */
    private static void addToWeight(Path modelJson, String name, float delta) throws Exception {
        JsonNode group = JSON.readTree(modelJson.toFile()).path("weightsManifest").get(0);
        long offset = 0;
        for (JsonNode w : group.path("weights")) {
            if (w.path("name").asText().equals(name)) {
                break;
            }
            assertEquals("float32", w.path("dtype").asText());
            long n = 1;
            for (JsonNode d : w.path("shape")) {
                n *= d.asLong();
            }
            offset += 4 * n;
        }
        assertEquals(1, group.path("paths").size(), "single-shard golden expected");
        Path shard = modelJson.resolveSibling(group.path("paths").get(0).asText());
        byte[] bytes = Files.readAllBytes(shard);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putFloat((int) offset, buf.getFloat((int) offset) + delta);
        Files.write(shard, bytes);
    }
}
