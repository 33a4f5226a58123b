package io.tensorspace.convert.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells an ONNX model by its first bytes. Apart from {@link OnnxReader}, whose protobuf classes a
 * JSON or HDF5 model then never loads: the wire-format check of the whole header runs only for a
 * file that starts like a ModelProto.
 */
public final class OnnxDetection {
  /** Field 1 (ir_version), varint. */
  static final int IR_VERSION_TAG = 1 << 3;
  /** A ModelProto's header (producer, domain, version, doc string) fits in these, in practice. */
  private static final int HEADER_BYTES = 1024;
  /** Field 7 (graph), length-delimited. */
  private static final int GRAPH_TAG = 7 << 3 | 2;
  /** Field 1 (node) of the graph, length-delimited. */
  private static final int NODE_TAG = 1 << 3 | 2;
  /** What follows a ModelProto's graph (operator set imports, metadata) fits in these. */
  private static final int TAIL_BYTES = 256;
  private static final int WIRETYPE_VARINT = 0;
  private static final int WIRETYPE_LENGTH_DELIMITED = 2;

  private OnnxDetection() {}

  /**
   * Whether the file's top-level fields are those of an ONNX ModelProto: the IR version first (as
   * every serializer writes it), a graph, nothing else. A SavedModel also starts with a varint
   * field 1 but has no field 7.
   */
  public static boolean isOnnx(Path path) throws IOException {
    if (!Files.isRegularFile(path) || Files.size(path) < 4) {
      return false;
    }
    try (InputStream head = Files.newInputStream(path)) {
      if (head.read() != IR_VERSION_TAG) {
        return false; // not ir_version first; protobuf's classes stay unloaded for JSON and HDF5
      }
    }
    return OnnxReader.modelProtoProblem(path) == null;
  }

  /**
   * What is wrong with a file that starts like an ONNX model ({@link #startsLikeOnnx}) but is no
   * ModelProto {@link #isOnnx} accepts; null when it is one, or does not start like one.
   */
  public static String damage(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      return null;
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(HEADER_BYTES);
    }
    return startsLikeOnnx(head) || graphSpansTheFile(head, Files.size(path))
        ? OnnxReader.modelProtoProblem(path) : null;
  }

  /**
   * Whether the first bytes hold a graph field, its first node's tag after its length, whose
   * declared length reaches to the last few bytes of the file, where only the operator set
   * imports and metadata follow it: a ModelProto whose header fields are damaged. Anywhere in
   * the header when the IR version's tag is intact, else right after the IR field.
   */
  static boolean graphSpansTheFile(byte[] head, long size) {
    boolean irTag = head.length > 0 && head[0] == IR_VERSION_TAG;
    for (int at = 2; at < (irTag ? head.length : Math.min(3, head.length)); at++) {
      if (head[at] != GRAPH_TAG) {
        continue;
      }
      long length = 0;
      int next = at + 1;
      for (int shift = 0; next < head.length && shift <= 28; shift += 7) {
        length |= (long) (head[next] & 0x7f) << shift;
        if ((head[next++] & 0x80) == 0) {
          break;
        }
      }
      long end = next + length;
      if (next < head.length && head[next] == NODE_TAG && end <= size && size - end <= TAIL_BYTES) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the bytes start with a ModelProto's header, read past the IR field's two bytes (its
   * tag and a version below 128, as every exporter writes it) so that a damaged IR field does not
   * hide it: the header's fields (producer name and version, domain, model version, doc string),
   * strings as text, up to the graph or the operator set imports; with no header field, the IR
   * version's tag must be intact. A SavedModel also starts with a varint field 1 and a field 2,
   * but its field 2 is a binary MetaGraphDef.
   */
  static boolean startsLikeOnnx(byte[] head) {
    int at = 2;
    for (int fields = 0; at < head.length; fields++) {
      int field = (head[at] & 0xff) >>> 3;
      int wire = head[at] & 0x7;
      if ((field == 7 || field == 8) && wire == WIRETYPE_LENGTH_DELIMITED) {
        return fields > 0 || head[0] == IR_VERSION_TAG; // one byte alone is no signature
      }
      boolean varint = field == 5 && wire == WIRETYPE_VARINT;
      if (!varint && (field < 2 || field > 6 || wire != WIRETYPE_LENGTH_DELIMITED)) {
        return false;
      }
      long value = 0;
      int shift = 0;
      do {
        if (++at >= head.length || shift > 28) {
          return false;
        }
        value |= (long) (head[at] & 0x7f) << shift;
        shift += 7;
      } while ((head[at] & 0x80) != 0);
      at++;
      if (!varint && (at + value > head.length || !isText(head, at, (int) (at + value)))) {
        return false;
      }
      at += varint ? 0 : (int) value;
    }
    return false;
  }

  /** UTF-8 text without control characters but tab and line breaks. */
  private static boolean isText(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = bytes[i] & 0xff;
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
