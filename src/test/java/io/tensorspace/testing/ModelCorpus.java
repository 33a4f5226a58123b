package io.tensorspace.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The real-model fixture corpus ({@code shared/models}, read-only).
 *
 * <p>The root comes from the system property {@code tensorspace.models} (set by the pom for surefire), default
 * {@code ../shared/models} relative to the working directory. A missing corpus is an error, never a reason to skip:
 * tests that silently skip would prove nothing.
 *
 * <p>Cases are the rows of {@code MANIFEST.tsv} (one per case, id {@code <format>/<case>}).
 */
public final class ModelCorpus {

    public static final String PROPERTY = "tensorspace.models";

    private static volatile ModelCorpus instance;

    private final Path root;
    private final Map<String, CorpusCase> cases;   // manifest order

    private ModelCorpus(Path root) {
        this.root = root;
        this.cases = Collections.unmodifiableMap(readManifest(root));
    }

    /** The corpus named by {@code -Dtensorspace.models} (default {@code ../shared/models}); throws if it does not exist. */
    public static ModelCorpus get() {
        ModelCorpus c = instance;
        if (c == null) {
            synchronized (ModelCorpus.class) {
                if (instance == null) {
                    instance = new ModelCorpus(locateRoot());
                }
                c = instance;
            }
        }
        return c;
    }

    /** Absolute, normalized corpus root. */
    public static Path root() {
        return get().root;
    }

    /** All cases of one format ({@code keras2-h5}, {@code golden}, ...) in MANIFEST order; throws for an unknown format. */
    public static List<CorpusCase> cases(String format) {
        List<CorpusCase> out = new ArrayList<>();
        for (CorpusCase c : get().cases.values()) {
            if (c.format().equals(format)) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no corpus cases of format '" + format + "' in " + root()
                    + "/MANIFEST.tsv; known formats: " + formats());
        }
        return Collections.unmodifiableList(out);
    }

    /** One case by id, e.g. {@code golden/tsc-keras-combined-mnist}; throws if it is not in MANIFEST.tsv. */
    public static CorpusCase byId(String id) {
        CorpusCase c = get().cases.get(id);
        if (c == null) {
            throw new IllegalArgumentException("no corpus case '" + id + "' in " + root() + "/MANIFEST.tsv");
        }
        return c;
    }

    /** Every case in MANIFEST order. */
    public static List<CorpusCase> all() {
        return List.copyOf(get().cases.values());
    }

    /** The formats present in MANIFEST.tsv, sorted. */
    public static List<String> formats() {
        TreeSet<String> f = new TreeSet<>();
        get().cases.values().forEach(c -> f.add(c.format()));
        return List.copyOf(f);
    }

    private static Path locateRoot() {
        String configured = System.getProperty(PROPERTY);
        Path root = Paths.get(configured == null || configured.isBlank() ? "../shared/models" : configured)
                .toAbsolutePath().normalize();
        if (!Files.isDirectory(root) || !Files.isRegularFile(root.resolve("MANIFEST.tsv"))) {
            throw new IllegalStateException("model fixture corpus not found at " + root
                    + (configured == null ? " (default ../shared/models relative to " + Paths.get("").toAbsolutePath() + ")" : "")
                    + ": expected a directory with MANIFEST.tsv; set -D" + PROPERTY + "=<path to shared/models>");
        }
        return root;
    }

    private static Map<String, CorpusCase> readManifest(Path root) {
        Path manifest = root.resolve("MANIFEST.tsv");
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
        if (lines.isEmpty()) {
            throw new IllegalStateException(manifest + " is empty");
        }
        String[] header = lines.get(0).split("\t", -1);
        int caseColumn = List.of(header).indexOf("case");
        if (caseColumn < 0) {
            throw new IllegalStateException(manifest + ": no 'case' column in header " + List.of(header));
        }
        Map<String, CorpusCase> cases = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int k = 0; k < header.length; k++) {
                row.put(header[k], k < cells.length ? cells[k] : "");
            }
            String id = row.get("case");
            Path dir = root.resolve(id).normalize();
            if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
                throw new IllegalStateException(manifest + " line " + (i + 1) + ": case directory " + dir + " does not exist");
            }
            if (cases.put(id, new CorpusCase(id, dir, root, Collections.unmodifiableMap(row))) != null) {
                throw new IllegalStateException(manifest + ": duplicate case " + id);
            }
        }
        return cases;
    }
}
