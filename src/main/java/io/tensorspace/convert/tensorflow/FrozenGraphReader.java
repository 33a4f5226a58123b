package io.tensorspace.convert.tensorflow;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.proto.GraphDef;

/** Reads a frozen GraphDef ({@code .pb}): variables already constants, no signature. */
public final class FrozenGraphReader {

  /** Whether the bytes look like a GraphDef: a first field that is a NodeDef with a name and op. */
  public static boolean looksLikeGraphDef(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4096);
      CodedInputStream coded = CodedInputStream.newInstance(head);
      int tag = coded.readTag();
      // field 1 (node), wire type 2 (length-delimited)
      return tag == ((1 << 3) | 2);
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  TfGraph read(Path file) throws ConversionException, IOException {
    GraphDef graph = parse(file);
    TfGraph out = new TfGraph(file, describe(graph));
    out.producer = graph.getVersions().getProducer();
    for (NodeDef node : ProtoGraphs.nodes(graph.getNodeList())) {
      out.put(node);
    }
    if (graph.getLibrary().getFunctionCount() > 0) {
      FunctionInliner.inlineAll(out, ProtoGraphs.library(graph.getLibrary()), null);
    }
    return out;
  }

  static GraphDef parse(Path file) throws ConversionException, IOException {
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setRecursionLimit(1000);
      coded.setSizeLimit(Integer.MAX_VALUE);
      GraphDef graph = GraphDef.parseFrom(coded);
      if (graph.getNodeCount() == 0) {
        throw new ConversionException(file + " holds no TensorFlow graph nodes; give a frozen"
            + " GraphDef (.pb), a SavedModel folder or a TensorFlow.js model.json.");
      }
      return graph;
    } catch (InvalidProtocolBufferException e) {
      throw new ConversionException(file + " is not a TensorFlow GraphDef (" + e.getMessage()
          + "); give a frozen GraphDef (.pb), a SavedModel folder or a TensorFlow.js model.json.", e);
    }
  }

  static String describe(GraphDef graph) {
    int producer = graph.getVersions().getProducer();
    return producer == 0 ? "TensorFlow GraphDef" : "TensorFlow GraphDef (producer " + producer + ")";
  }
}
