package io.tensorspace.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One model to load in real TensorFlow.js and compare with a reference.json (see {@code src/test/node/check-model.js}).
 *
 * @param id               free text, echoed in the result
 * @param tfjs             {@link #TFJS_1} (1.7.4, what TensorSpace 0.6 ships) or {@link #TFJS_4} (4.22.0)
 * @param modelDir         directory holding the model json (weights are resolved relative to it, as in a browser)
 * @param modelJson        file name of the model json inside {@code modelDir}
 * @param kind             {@link #LAYERS} ({@code tf.loadLayersModel} + {@code predict}) or {@link #GRAPH}
 *                         ({@code tf.loadGraphModel} + {@code execute(inputs, outputs)})
 * @param reference        reference.json with inputs and expected outputs
 * @param outputs          layers: the model's outputs in the order the model exposes them; graph: the node names to
 *                         execute. The model must have exactly this many outputs.
 * @param referenceOutputs reference output names for {@code outputs}, same order; null = the same names
 */
public record TfjsJob(String id, String tfjs, Path modelDir, String modelJson, String kind, Path reference,
                      List<String> outputs, List<String> referenceOutputs) {

    public static final String TFJS_1 = "1";
    public static final String TFJS_4 = "4";
    /** Both versions a converted model must load in. */
    public static final List<String> VERSIONS = List.of(TFJS_1, TFJS_4);

    public static final String LAYERS = "layers";
    public static final String GRAPH = "graph";

    public TfjsJob {
        Objects.requireNonNull(id, "id");
        if (!VERSIONS.contains(tfjs)) {
            throw new IllegalArgumentException("tfjs must be one of " + VERSIONS + ", got " + tfjs);
        }
        if (!LAYERS.equals(kind) && !GRAPH.equals(kind)) {
            throw new IllegalArgumentException("kind must be '" + LAYERS + "' or '" + GRAPH + "', got " + kind);
        }
        modelDir = modelDir.toAbsolutePath().normalize();
        Objects.requireNonNull(modelJson, "modelJson");
        reference = reference.toAbsolutePath().normalize();
        outputs = List.copyOf(outputs);
        referenceOutputs = referenceOutputs == null ? null : List.copyOf(referenceOutputs);
        if (referenceOutputs != null && referenceOutputs.size() != outputs.size()) {
            throw new IllegalArgumentException("referenceOutputs " + referenceOutputs + " and outputs " + outputs
                    + " differ in length");
        }
    }

    /** A layers model ({@code modelJsonFile} = the model.json path) whose output names are also the reference names. */
    public static TfjsJob layers(String id, String tfjs, Path modelJsonFile, Path reference, List<String> outputs) {
        Path f = modelJsonFile.toAbsolutePath().normalize();
        return new TfjsJob(id, tfjs, f.getParent(), f.getFileName().toString(), LAYERS, reference, outputs, null);
    }

    /** {@link #layers} once per tfjs version, with ids {@code <id>@<version>}. */
    public static List<TfjsJob> layersInEveryVersion(String id, Path modelJsonFile, Path reference,
                                                     List<String> outputs) {
        return VERSIONS.stream().map(v -> layers(id, v, modelJsonFile, reference, outputs).withTfjs(v)).toList();
    }

    /** A graph model executed for the node names {@code outputs}, which are also the reference names. */
    public static TfjsJob graph(String id, String tfjs, Path modelJsonFile, Path reference, List<String> outputs) {
        Path f = modelJsonFile.toAbsolutePath().normalize();
        return new TfjsJob(id, tfjs, f.getParent(), f.getFileName().toString(), GRAPH, reference, outputs, null);
    }

    /** The same job for another tfjs version; the id gets {@code @<version>} appended. */
    public TfjsJob withTfjs(String version) {
        return new TfjsJob(id + "@" + version, version, modelDir, modelJson, kind, reference, outputs, referenceOutputs);
    }

    /** The same job with the reference names of the outputs given separately (e.g. signature keys). */
    public TfjsJob withReferenceOutputs(List<String> names) {
        return new TfjsJob(id, tfjs, modelDir, modelJson, kind, reference, outputs, names);
    }
}
