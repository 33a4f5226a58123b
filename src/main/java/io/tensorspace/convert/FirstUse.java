package io.tensorspace.convert;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
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
   * TensorFlow's protobuf files (SavedModel, frozen GraphDef, tfjs 0.x graph) are parsed into
   * these generated classes, and each builds its descriptors when initialized (parsing the .proto
   * files' descriptors): pure work, and the first graph node waits for it. A tfjs graph model
   * (JSON) and ONNX (read field by field) load none of them.
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

  /** The formats read with {@link #GRAPH_PROTOS}. */
  private static final Set<InputFormat> PROTOBUF_GRAPHS =
      EnumSet.of(InputFormat.SAVED_MODEL, InputFormat.FROZEN_GRAPH, InputFormat.TFJS_0_GRAPH);

  /** The formats whose lists were loaded in this class loader: several models of a POM share one. */
  private static final Set<InputFormat> LISTED = ConcurrentHashMap.newKeySet();

  /** Enough for a model.json's {@code format}, which tfjs writes first; a GraphDef's first node. */
  static final int HEAD_BYTES = 512;

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
   * A guess from the name and first bytes, for starting early: a folder (SavedModel), or a file
   * that is neither JSON nor HDF5 nor zip nor named .onnx (GraphDef, saved_model.pb, tfjs 0.x
   * tensorflowjs_model.pb). A wrong guess only costs the second core some work.
   */
  static boolean looksLikeProtobufGraph(Path source) {
    return Files.isDirectory(source) || looksLikeProtobufGraph(source, head(source));
  }

  private static boolean looksLikeProtobufGraph(Path source, String head) {
    Path name = source.getFileName();
    if (head == null
        || name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
      return false;
    }
    String start = head.strip();
    return !start.isEmpty() && !start.startsWith("{") && !start.startsWith("[")
        && !head.startsWith("\u0089HDF") && !head.startsWith("PK");
  }

  /** The first bytes of a file as ISO-8859-1 text, or null when they cannot be read. */
  static String head(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(HEAD_BYTES), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The format a TensorFlow.js model.json declares in its first bytes ({@code "format":
   * "graph-model"} or {@code "layers-model"}, where tfjs and its converter write it), or null.
   * Found without the tokenizer pass of format detection, which a graph's model.json makes long.
   */
  static InputFormat declaredTfjsFormat(String head) {
    int key = head.indexOf("\"format\"");
    if (key < 0 || !head.stripLeading().startsWith("{")) {
      return null;
    }
    int at = key + "\"format\"".length();
    while (at < head.length() && (head.charAt(at) == ':' || Character.isWhitespace(head.charAt(at)))) {
      at++;
    }
    if (head.startsWith("\"graph-model\"", at)) {
      return InputFormat.TFJS_GRAPH;
    }
    return head.startsWith("\"layers-model\"", at) ? InputFormat.TFJS_LAYERS : null;
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
    boolean folder = Files.isDirectory(source);
    String head = folder ? null : head(source);
    // before detecting the format, whose first JSON parse costs the time the first node waits
    boolean protos = folder || looksLikeProtobufGraph(source, head);
    if (protos) {
      initialize(GRAPH_PROTOS, loader);
    }
    InputFormat format = weights == null && head != null ? declaredTfjsFormat(head) : null;
    if (format == null) {
      try {
        format = ModelSources.locate(source, weights).format();
      } catch (ConversionException | RuntimeException e) {
        return; // the conversion reports it
      }
    }
    if (!LISTED.add(format)) {
      return; // another model of this format had its classes loaded already
    }
    if (PROTOBUF_GRAPHS.contains(format) && !protos) {
      initialize(GRAPH_PROTOS, loader);
    }
    try (InputStream in = FirstUse.class.getResourceAsStream("first-use/" + format + ".txt")) {
      if (in == null) {
        return;
      }
      List<String> names =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
      // in the order they are needed: the converting thread also runs code between its classes,
      // so this one soon runs ahead (last needed first left the first half to that thread)
      for (int i = 0; i < names.size(); i++) {
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
