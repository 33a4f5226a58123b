package io.tensorspace.testing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What {@code check-model.js} reported for one {@link TfjsJob}.
 *
 * @param ok          loaded, ran, same number of outputs as the job, and every output within tolerance
 * @param error       null when ok; otherwise the load/run exception or a summary of the outputs that failed
 * @param outputs     one entry per model output (empty when loading or running failed)
 * @param millis      time the job took in the checker
 * @param tfjsVersion tfjs-core version that ran it
 * @param log         what tfjs printed through console.* during the job (banners removed), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TfjsResult(String id, boolean ok, String error, List<Output> outputs, Long millis, String tfjsVersion,
                         List<String> log) {

    /**
     * @param name          reference output name
     * @param modelName     the model's own name for that output (layers: {@code model.outputNames[i]})
     * @param maxAbsDiff    max |actual - expected|, null if not comparable (shape/size mismatch, NaN, or dropped)
     * @param mismatches    elements outside {@code atol + rtol*|expected|}, null if not compared
     * @param skipped       non-null when the reference dropped this output (only its shape was checked)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Output(String name, String modelName, List<Integer> shape, List<Integer> expectedShape,
                         Double maxAbsDiff, Integer mismatches, boolean ok, String skipped) {
    }

    public TfjsResult {
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        log = log == null ? null : List.copyOf(log);
    }

    /** Largest {@link Output#maxAbsDiff()} over the compared outputs (0 if none). */
    public double maxAbsDiff() {
        return outputs.stream().filter(o -> o.maxAbsDiff() != null).mapToDouble(Output::maxAbsDiff).max().orElse(0);
    }

    /** Multi-line, human-readable summary for assertion messages. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(id).append(ok ? ": ok" : ": FAILED").append(" (tfjs ").append(tfjsVersion).append(")");
        if (error != null) {
            sb.append("\n  error: ").append(error);
        }
        for (Output o : outputs) {
            sb.append("\n  ").append(o.ok() ? "ok   " : "FAIL ").append(o.name());
            if (o.modelName() != null && !o.modelName().equals(o.name())) {
                sb.append(" (model: ").append(o.modelName()).append(')');
            }
            sb.append(" shape ").append(o.shape());
            if (o.expectedShape() != null && !o.expectedShape().equals(o.shape())) {
                sb.append(" expected ").append(o.expectedShape());
            }
            if (o.maxAbsDiff() != null) {
                sb.append(" max|diff| ").append(o.maxAbsDiff());
            }
            if (o.mismatches() != null && o.mismatches() > 0) {
                sb.append(", ").append(o.mismatches()).append(" values off");
            }
            if (o.skipped() != null) {
                sb.append(" (").append(o.skipped()).append(')');
            }
        }
        if (log != null && !log.isEmpty()) {
            sb.append("\n  tfjs log: ").append(String.join("\n            ", log));
        }
        return sb.toString();
    }

    /** Throws an AssertionError with {@link #describe()} unless ok. */
    public TfjsResult assertOk() {
        if (!ok) {
            throw new AssertionError(describe());
        }
        return this;
    }
}
