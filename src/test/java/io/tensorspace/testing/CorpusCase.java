package io.tensorspace.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One case of the fixture corpus: {@code <root>/<format>/<case>/} with its MANIFEST.tsv row.
 * Obtain instances from {@link ModelCorpus}.
 */
public final class CorpusCase {

    /** Parsed {@code reference/expect-error.json}: the converter must refuse the model naming {@code layer}. */
    public record ExpectError(String reason, String layer, String className) {
    }

    /** What a conversion of the case is given: the source and, for a model split in two, its weights file. */
    public record SourceFiles(Path source, Path weights) {
    }

    /** The names a split model's topology JSON has beside its weights file, in the order they are looked for. */
    private static final List<String> TOPOLOGY_FILES = List.of("topology.json", "model.json", "config.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final Path dir;
    private final Path root;
    private final Map<String, String> manifestRow;
    private volatile JsonNode reference;   // parsed lazily, up to ~2 MB
    private volatile Map<String, String> sharedFiles;

    CorpusCase(String id, Path dir, Path root, Map<String, String> manifestRow) {
        this.id = id;
        this.dir = dir;
        this.root = root;
        this.manifestRow = manifestRow;
    }

    /** {@code <format>/<case>}, e.g. {@code keras2-h5/tensorspace-keras-mnist}. */
    public String id() {
        return id;
    }

    /** The first path segment of the id ({@code keras2-h5}, {@code golden}, ...). */
    public String format() {
        return id.substring(0, id.indexOf('/'));
    }

    /** The case name without the format. */
    public String name() {
        return id.substring(id.indexOf('/') + 1);
    }

    /** Absolute case directory. */
    public Path dir() {
        return dir;
    }

    /** MANIFEST.tsv {@code main_file}: the model file (relative to {@link #dir()}, may contain a sub-folder). */
    public String mainFile() {
        return manifestRow.get("main_file");
    }

    /** {@link #file(String)} of {@link #mainFile()}. */
    public Path mainPath() {
        return file(mainFile());
    }

    /** {@link #sourceFilesAt} in the corpus itself. */
    public SourceFiles sourceFiles() {
        return sourceFilesAt(this::file);
    }

    /** {@link #sourceFilesAt} in a copy of the case ({@link #copyTo}) in {@code folder}. */
    public SourceFiles sourceFilesIn(Path folder) {
        return sourceFilesAt(folder::resolve);
    }

    /**
     * The main file as the source; but when the main file is a weights file (a Keras model split in
     * two, e.g. {@code weights.h5}), the topology JSON beside it is the source and the main file the
     * weights. {@code at} says where a file of the case is, by name.
     */
    private SourceFiles sourceFilesAt(Function<String, Path> at) {
        if (mainFile().contains("weight")) {
            for (String topology : TOPOLOGY_FILES) {
                if (hasFile(topology)) {
                    return new SourceFiles(at.apply(topology), at.apply(mainFile()));
                }
            }
        }
        return new SourceFiles(at.apply(mainFile()), null);
    }

    /** The whole MANIFEST.tsv row, keyed by column name (source, license, tolerance, notes, ...). */
    public Map<String, String> manifest() {
        return manifestRow;
    }

    /**
     * A file of this case by the path the model expects it under, resolving {@code shared-files.json}
     * (a model-sized file stored once in another case). Throws if the file exists neither here nor there.
     */
    public Path file(String name) {
        Path here = dir.resolve(name).normalize();
        if (Files.exists(here)) {
            return here;
        }
        String target = sharedFiles().get(name.replace('\\', '/'));
        if (target != null) {
            Path there = root.resolve(target).normalize();
            if (Files.exists(there)) {
                return there;
            }
            throw new IllegalStateException(id + ": shared-files.json maps " + name + " to " + there + ", which does not exist");
        }
        throw new IllegalStateException(id + ": no file " + name + " in " + dir + " (nor in its shared-files.json)");
    }

    /** Whether {@link #file(String)} would find the file. */
    public boolean hasFile(String name) {
        return Files.exists(dir.resolve(name)) || sharedFiles().containsKey(name.replace('\\', '/'));
    }

    /** The {@code shared-files.json} mapping (path expected here → path relative to the corpus root); empty if none. */
    public Map<String, String> sharedFiles() {
        Map<String, String> m = sharedFiles;
        if (m == null) {
            Path f = dir.resolve("shared-files.json");
            Map<String, String> parsed = new LinkedHashMap<>();
            if (Files.isRegularFile(f)) {
                for (Map.Entry<String, JsonNode> e : readJson(f).properties()) {
                    parsed.put(e.getKey(), e.getValue().asText());
                }
            }
            sharedFiles = m = Collections.unmodifiableMap(parsed);
        }
        return m;
    }

    /**
     * Copies the case directory (without {@code reference/}) to {@code target}, replacing shared-files.json entries by
     * the real files, so the copy is self-contained (e.g. a tfjs model with its weights next to it). The copies are
     * writable. Returns target.
     */
    public Path copyTo(Path target) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path rel = dir.relativize(p);
                if (rel.toString().isEmpty() || rel.startsWith("reference") || rel.toString().equals("shared-files.json")) {
                    continue;
                }
                Path to = target.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    copyWritable(p, to);
                }
            }
            for (String name : sharedFiles().keySet()) {
                copyWritable(file(name), target.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + id + " to " + target, e);
        }
        return target;
    }

    /** The corpus is read-only; copies must be editable (tests perturb them). */
    private static void copyWritable(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        to.toFile().setWritable(true, true);
    }

    // ------------------------------------------------------------------ reference

    /** {@code reference/reference.json} (may not exist: see {@link #hasReference()}). */
    public Path referencePath() {
        return dir.resolve("reference").resolve("reference.json");
    }

    public boolean hasReference() {
        return Files.isRegularFile(referencePath());
    }

    /** {@code reference/expect-error.json} (may not exist: see {@link #expectsError()}). */
    public Path expectErrorPath() {
        return dir.resolve("reference").resolve("expect-error.json");
    }

    public boolean expectsError() {
        return Files.isRegularFile(expectErrorPath());
    }

    /** The parsed expect-error.json, or empty when the case has none. */
    public Optional<ExpectError> expectError() {
        if (!expectsError()) {
            return Optional.empty();
        }
        JsonNode n = readJson(expectErrorPath());
        return Optional.of(new ExpectError(text(n, "reason"), text(n, "layer"), text(n, "class_name")));
    }

    /** The parsed reference.json (throws if the case has none). */
    public JsonNode reference() {
        JsonNode r = reference;
        if (r == null) {
            if (!hasReference()) {
                throw new IllegalStateException(id + " has no reference/reference.json"
                        + (expectsError() ? " (it has expect-error.json: conversion must fail)" : ""));
            }
            reference = r = readJson(referencePath());
        }
        return r;
    }

    /** The reference's output names ({@code outputs[].layer}) in file order. */
    public List<String> referenceOutputNames() {
        return names(reference().path("outputs"), "layer");
    }

    /** The reference's input names ({@code inputs[].name}) in file order. */
    public List<String> referenceInputNames() {
        return names(reference().path("inputs"), "name");
    }

    /** Outputs left out of the reference to keep it small, as written ({@code "<layer> [shape]"}). */
    public List<String> droppedOutputs() {
        List<String> out = new ArrayList<>();
        reference().path("dropped_outputs").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The reference's {@code tolerance} (0 if null, which the README says never happens for a case with a reference). */
    public double tolerance() {
        JsonNode t = reference().get("tolerance");
        return t == null || t.isNull() ? 0.0 : t.asDouble();
    }

    /** The reference's {@code source} (keras-stored, numpy-oracle, tfjs-4.22.0, tensorspace-converter-golden, ...). */
    public String referenceSource() {
        return text(reference(), "source");
    }

    /** Any JSON file of the case (via {@link #file(String)}), e.g. {@code golden.json}. */
    public JsonNode json(String name) {
        return readJson(file(name));
    }

    @Override
    public String toString() {
        return id;   // readable @ParameterizedTest display names
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return Collections.unmodifiableList(out);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode readJson(Path f) {
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }
}
