package io.tensorspace.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The "real client" check: runs {@code src/test/node/check-model.js} (real TensorFlow.js 1.7.4 / 4.22.0 in Node, CPU)
 * on converted models and returns per-job results. One Node process per tfjs version, all started together.
 *
 * <p>System properties: {@code tensorspace.node} (Node executable, default {@code node}),
 * {@code tensorspace.tfjs.timeoutSeconds} (per process, default 600),
 * {@code tensorspace.tfjs.jobTimeoutSeconds} (per model, default check-model.js's 120). The npm packages must be installed with
 * {@code npm ci --prefix src/test/node}; a missing install is an error, never a skip.
 */
public final class TfjsClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TfjsClient() {
    }

    /** Project base directory (= surefire's working directory). */
    static Path baseDir() {
        return Paths.get("").toAbsolutePath();
    }

    /** Checks one job. */
    public static TfjsResult check(TfjsJob job) {
        return check(List.of(job)).get(0);
    }

    /** Checks all jobs; results are in job order. Failing jobs are results with ok=false, not exceptions. */
    public static List<TfjsResult> check(List<TfjsJob> jobs) {
        if (jobs.isEmpty()) {
            return List.of();
        }
        Path nodeDir = baseDir().resolve("src/test/node");
        Path script = nodeDir.resolve("check-model.js");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(script + " not found (the working directory must be the project base dir)");
        }
        Map<String, List<Integer>> byVersion = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            byVersion.computeIfAbsent(jobs.get(i).tfjs(), v -> new ArrayList<>()).add(i);
        }
        for (String version : byVersion.keySet()) {
            if (!Files.isRegularFile(nodeDir.resolve("node_modules/tfjs" + version + "/package.json"))) {
                throw new IllegalStateException("TensorFlow.js " + version + ".x is not installed in "
                        + nodeDir.resolve("node_modules") + ": run `npm ci --prefix src/test/node` first");
            }
        }

        Path runDir;
        try {
            Path parent = Files.createDirectories(baseDir().resolve("target/tfjs-check"));
            runDir = Files.createTempDirectory(parent, "run-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory under target/", e);
        }

        // start one process per version, then collect
        String node = System.getProperty("tensorspace.node", "node");
        long timeoutSeconds = Long.getLong("tensorspace.tfjs.timeoutSeconds", 600);
        Map<String, Process> processes = new LinkedHashMap<>();
        TfjsResult[] results = new TfjsResult[jobs.size()];
        try {
            for (Map.Entry<String, List<Integer>> group : byVersion.entrySet()) {
                String v = group.getKey();
                ArrayNode array = JSON.createArrayNode();
                group.getValue().forEach(i -> array.add(toJson(jobs.get(i))));
                Path jobsFile = runDir.resolve("jobs-tfjs" + v + ".json");
                JSON.writerWithDefaultPrettyPrinter().writeValue(jobsFile.toFile(), array);
                ProcessBuilder pb = new ProcessBuilder(node, script.toString(), jobsFile.toString(),
                        runDir.resolve("results-tfjs" + v + ".json").toString())
                        .directory(baseDir().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(runDir.resolve("node-tfjs" + v + ".log").toFile());
                String jobTimeout = System.getProperty("tensorspace.tfjs.jobTimeoutSeconds");
                if (jobTimeout != null) {
                    pb.environment().put("TFJS_CHECK_JOB_TIMEOUT_MS",
                            Long.toString(Long.parseLong(jobTimeout) * 1000));
                }
                try {
                    processes.put(v, pb.start());
                } catch (IOException e) {
                    throw new IllegalStateException("cannot run Node.js '" + node + "' (set -Dtensorspace.node=<path to"
                            + " node 20>): " + e.getMessage(), e);
                }
            }
            for (Map.Entry<String, Process> running : processes.entrySet()) {
                String v = running.getKey();
                Process p = running.getValue();
                Path log = runDir.resolve("node-tfjs" + v + ".log");
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("check-model.js (tfjs " + v + ") did not finish within "
                            + timeoutSeconds + " s; output:\n" + tail(log));
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("check-model.js (tfjs " + v + ") crashed with exit code "
                            + p.exitValue() + "; output:\n" + tail(log));
                }
                Path resultsFile = runDir.resolve("results-tfjs" + v + ".json");
                TfjsResult[] parsed = JSON.readValue(resultsFile.toFile(), TfjsResult[].class);
                List<Integer> indexes = byVersion.get(v);
                if (parsed.length != indexes.size()) {
                    throw new IllegalStateException(resultsFile + ": " + parsed.length + " results for "
                            + indexes.size() + " jobs");
                }
                for (int k = 0; k < parsed.length; k++) {
                    results[indexes.get(k)] = parsed[k];
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("tfjs check failed (work dir " + runDir + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for check-model.js", e);
        } finally {
            processes.values().forEach(p -> {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            });
        }
        return Arrays.asList(results);
    }

    /** Throws one AssertionError describing every failed result; returns the results otherwise. */
    public static List<TfjsResult> assertAllOk(List<TfjsResult> results) {
        List<String> failures = results.stream().filter(r -> !r.ok()).map(TfjsResult::describe).toList();
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + results.size() + " model(s) failed the TensorFlow.js"
                    + " check:\n" + String.join("\n", failures));
        }
        return results;
    }

    private static ObjectNode toJson(TfjsJob job) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", job.id());
        n.put("tfjs", job.tfjs());
        n.put("modelDir", job.modelDir().toString());
        n.put("modelJson", job.modelJson());
        n.put("kind", job.kind());
        n.put("reference", job.reference().toString());
        job.outputs().forEach(n.putArray("outputs")::add);
        if (job.referenceOutputs() != null) {
            job.referenceOutputs().forEach(n.putArray("referenceOutputs")::add);
        }
        return n;
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() <= 8000 ? s : "..." + s.substring(s.length() - 8000);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
