package io.tensorspace.convert;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads the classes a conversion will need on a second thread while the first one converts: in a
 * fresh Maven JVM about half of a small model's conversion is class loading, and the second core
 * is mostly idle then. The lists ({@code first-use/<format>.txt}, written by
 * {@code FirstUseLists} in the tests) name the classes a conversion of each input format loads,
 * in order. Classes are loaded, not initialized (but for the graph protobufs, whose initializers
 * only build descriptors), so none of the plugin's code runs early; a list older than the
 * code only loads less.
 */
public final class FirstUse {
  /**
   * Graphs are built of these generated protobuf classes, and each builds its descriptors when
   * initialized (parsing the .proto files' descriptors): pure work, and the first graph node waits
   * for it.
   */
  private static final List<String> GRAPH_PROTOS = List.of("org.tensorflow.proto.GraphDef",
      "org.tensorflow.proto.NodeDef", "org.tensorflow.proto.NodeDef$AttrDefaultEntryHolder",
      "org.tensorflow.proto.AttrValue",
      "org.tensorflow.proto.TensorProto", "org.tensorflow.proto.TensorShapeProto",
      // and the builders the first nodes are read with, which the converting thread would
      // otherwise load itself, one by one, while it reads them
      "org.tensorflow.proto.GraphDef$Builder", "org.tensorflow.proto.NodeDef$Builder",
      "org.tensorflow.proto.AttrValue$Builder", "org.tensorflow.proto.AttrValue$ListValue$Builder",
      "org.tensorflow.proto.TensorProto$Builder", "org.tensorflow.proto.TensorShapeProto$Builder",
      "org.tensorflow.proto.TensorShapeProto$Dim$Builder", "org.tensorflow.proto.VersionDef$Builder");

  /** The formats whose lists were loaded in this class loader: several models of a POM share one. */
  private static final Set<InputFormat> LISTED = ConcurrentHashMap.newKeySet();

  private FirstUse() {}

  /** Starts loading what converting {@code source} needs; returns at once. */
  public static void start(Path source, Path weights) {
    // an anonymous class rather than a lambda, whose first call would bootstrap one on this thread
    Thread thread = new Thread(new Runnable() {
      @Override
      public void run() {
        load(source, weights);
      }
    }, "tensorspace-class-loading");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * A guess from the first bytes, for starting early: a folder (SavedModel), a file that is
   * neither JSON nor HDF5 nor zip (GraphDef, SavedModel, ONNX), or JSON that says graph-model or
   * starts a node list. A wrong guess only costs the second core some work.
   */
  static boolean looksLikeGraph(Path source) {
    if (Files.isDirectory(source)) {
      return true;
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(source)) {
      head = in.readNBytes(512);
    } catch (IOException | RuntimeException e) {
      return false;
    }
    String text = new String(head, StandardCharsets.ISO_8859_1);
    String start = text.strip();
    if (start.startsWith("{")) {
      return text.contains("\"graph-model\"") || text.contains("\"node\"");
    }
    return !start.isEmpty() && !start.startsWith("[") && !text.startsWith("\u0089HDF")
        && !text.startsWith("PK");
  }

  private static void initialize(List<String> names, ClassLoader loader) {
    for (String name : names) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // the conversion meets it, and reports it
      }
    }
  }

  private static void load(Path source, Path weights) {
    ClassLoader loader = FirstUse.class.getClassLoader();
    // before detecting the format, whose first JSON parse costs the time the first node waits
    boolean protos = looksLikeGraph(source);
    if (protos) {
      initialize(GRAPH_PROTOS, loader);
    }
    InputFormat format;
    try {
      format = ModelSources.locate(source, weights).format();
    } catch (ConversionException | RuntimeException e) {
      return; // the conversion reports it
    }
    if (!LISTED.add(format)) {
      return; // another model of this format had its classes loaded already
    }
    if (format.isGraph() && !protos) {
      initialize(GRAPH_PROTOS, loader);
    }
    try (InputStream in = FirstUse.class.getResourceAsStream("first-use/" + format + ".txt")) {
      if (in == null) {
        return;
      }
      List<String> names =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
      // last needed first: the converting thread loads its first classes itself, and the two
      // meet midway instead of queueing for the same class
      for (int i = names.size() - 1; i >= 0; i--) {
        try {
          Class.forName(names.get(i), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          // renamed since the list was written: loaded when needed, as without the list
        }
      }
    } catch (IOException e) {
      // loading early is only ever a speed-up
    }
  }
}
