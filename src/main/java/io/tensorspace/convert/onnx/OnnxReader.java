package io.tensorspace.convert.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.tensorspace.convert.ConversionException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an ONNX ModelProto from its protobuf wire format (field numbers of the ONNX IR
 * specification, onnx/onnx.proto), without generated classes. Tensor data is not read: each
 * tensor records where its bytes are. Sizes are checked against the bytes present before anything
 * is allocated, and attribute subgraphs nest at most {@link #MAX_GRAPH_DEPTH} deep.
 */
public final class OnnxReader {
  /** If-in-If nesting of real models stays far below this. */
  public static final int MAX_GRAPH_DEPTH = 8;
  private static final int DATA_LOCATION_EXTERNAL = 1;
  private static final int IR_VERSION_TAG = OnnxDetection.IR_VERSION_TAG;

  private Path file;
  private long fileSize;
  private CodedInputStream in;

  /** Reads the model; every malformed or hostile file is a {@link ConversionException}. */
  public OnnxModel read(Path source) throws ConversionException, IOException {
    this.file = source;
    this.fileSize = Files.size(source);
    try (InputStream stream = new BufferedInputStream(Files.newInputStream(source), 1 << 16)) {
      in = CodedInputStream.newInstance(stream);
      in.setSizeLimit(Integer.MAX_VALUE);
      return model();
    } catch (InvalidProtocolBufferException e) {
      throw new ConversionException(source + " is not a readable ONNX model (" + e.getMessage()
          + "); it may be truncated or not an ONNX file. Export it again.", e);
    }
  }

  /**
   * The files besides the model that hold tensor data (external data of initializers and of
   * tensors in attributes, subgraphs included): a change in them changes the conversion.
   */
  public static Set<Path> dataFiles(Path source) throws ConversionException, IOException {
    Set<Path> files = new TreeSet<>();
    addDataFiles(new OnnxReader().read(source).graph(), source, files);
    return files;
  }

  private static void addDataFiles(OnnxModel.Graph graph, Path model, Set<Path> files) {
    List<OnnxTensor> tensors = new ArrayList<>(graph.initializers().values());
    for (OnnxModel.Node node : graph.nodes()) {
      for (OnnxAttribute attribute : node.attributes().values()) {
        if (attribute.t() != null) {
          tensors.add(attribute.t());
        }
        tensors.addAll(attribute.tensors());
        if (attribute.g() != null) {
          addDataFiles(attribute.g(), model, files);
        }
        attribute.graphs().forEach(g -> addDataFiles(g, model, files));
      }
    }
    for (OnnxTensor tensor : tensors) {
      Path file = tensor.externalFile(model);
      if (file != null) {
        files.add(file.toAbsolutePath().normalize());
      }
    }
  }

  /**
   * Null when the file's top-level fields are a ModelProto's (the IR version first, a graph,
   * nothing else); else what breaks them, where.
   */
  static String modelProtoProblem(Path path) throws IOException {
    long size = Files.size(path);
    try (InputStream stream = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      CodedInputStream c = CodedInputStream.newInstance(stream);
      c.setSizeLimit(Integer.MAX_VALUE);
      int first = c.readTag();
      if (first != IR_VERSION_TAG) {
        return "it does not start with the IR version field (byte 0x08)";
      }
      long ir = c.readInt64();
      if (ir < 1 || ir > 100) {
        return "its IR version reads as " + ir + ", which no ONNX release has";
      }
      boolean graph = false;
      for (int at = c.getTotalBytesRead(), tag = c.readTag(); tag != 0;
          at = c.getTotalBytesRead(), tag = c.readTag()) {
        int field = WireFormat.getTagFieldNumber(tag);
        int wire = WireFormat.getTagWireType(tag);
        boolean varint = field == 1 || field == 5;
        boolean known = varint ? wire == WireFormat.WIRETYPE_VARINT
            : List.of(2, 3, 4, 6, 7, 8, 14, 20, 25).contains(field)
                && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED;
        if (!known) {
          return "at byte " + at + " it has field " + field + " (wire type " + wire
              + "), which a ModelProto does not have";
        }
        graph |= field == 7;
        if (!varint) {
          long length = c.readUInt32() & 0xffffffffL;
          long left = size - c.getTotalBytesRead();
          if (length > left) {
            return "its field " + field + (field == 7 ? " (the graph)" : "") + " at byte " + at
                + " declares " + length + " bytes but only " + left + " follow: the file is cut"
                + " short";
          }
          c.skipRawBytes((int) length);
        } else {
          c.skipField(tag);
        }
      }
      return graph ? null : "it has no graph (field 7)";
    } catch (InvalidProtocolBufferException e) {
      return "its top-level fields do not parse (" + e.getMessage() + ")";
    }
  }

  private OnnxModel model() throws IOException, ConversionException {
    long ir = 0;
    String producer = "";
    String producerVersion = "";
    Map<String, Long> opsets = new LinkedHashMap<>();
    OnnxModel.Graph graph = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> ir = in.readInt64();
        case 2 -> producer = in.readStringRequireUtf8();
        case 3 -> producerVersion = in.readStringRequireUtf8();
        case 7 -> graph = nested(() -> graph(0));
        case 8 -> nested(() -> opset(opsets));
        default -> in.skipField(tag);
      }
    }
    if (graph == null) {
      throw new ConversionException(file + " is an ONNX model without a graph; export it again.");
    }
    return new OnnxModel(file, ir, (producer + " " + producerVersion).trim(), opsets, graph);
  }

  private Void opset(Map<String, Long> opsets) throws IOException {
    String domain = "";
    long version = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> domain = in.readStringRequireUtf8();
        case 2 -> version = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    opsets.put(domain, version);
    return null;
  }

  private OnnxModel.Graph graph(int depth) throws IOException, ConversionException {
    if (depth > MAX_GRAPH_DEPTH) {
      throw new ConversionException(file + " nests subgraphs (If/Loop bodies) more than "
          + MAX_GRAPH_DEPTH + " deep; this converter refuses it rather than recursing further.");
    }
    String name = "";
    List<OnnxModel.Node> nodes = new ArrayList<>();
    Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
    List<OnnxModel.ValueInfo> inputs = new ArrayList<>();
    List<OnnxModel.ValueInfo> outputs = new ArrayList<>();
    List<OnnxModel.ValueInfo> valueInfo = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> nodes.add(nested(() -> node(depth)));
        case 2 -> name = in.readStringRequireUtf8();
        case 5 -> {
          OnnxTensor t = nested(this::tensor);
          initializers.put(t.name(), t);
        }
        case 11 -> inputs.add(nested(this::valueInfo));
        case 12 -> outputs.add(nested(this::valueInfo));
        case 13 -> valueInfo.add(nested(this::valueInfo));
        default -> in.skipField(tag);
      }
    }
    return new OnnxModel.Graph(name, nodes, initializers, inputs, outputs, valueInfo);
  }

  private OnnxModel.Node node(int depth) throws IOException, ConversionException {
    String name = "";
    String op = "";
    String domain = "";
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> inputs.add(in.readStringRequireUtf8());
        case 2 -> outputs.add(in.readStringRequireUtf8());
        case 3 -> name = in.readStringRequireUtf8();
        case 4 -> op = in.readStringRequireUtf8();
        case 5 -> {
          OnnxAttribute a = nested(() -> attribute(depth));
          attributes.put(a.name(), a);
        }
        case 7 -> domain = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    return new OnnxModel.Node(name, op, domain, inputs, outputs, attributes);
  }

  private OnnxAttribute attribute(int depth) throws IOException, ConversionException {
    OnnxAttribute.Builder a = new OnnxAttribute.Builder();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int wire = WireFormat.getTagWireType(tag);
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> a.name = in.readStringRequireUtf8();
        case 2 -> a.f = in.readFloat();
        case 3 -> a.i = in.readInt64();
        case 4 -> a.s = in.readBytes().toByteArray();
        case 5 -> a.t = nested(this::tensor);
        case 6 -> a.g = nested(() -> graph(depth + 1));
        case 7 -> readFloats(wire, a.floats);
        case 8 -> readVarints(wire, a.ints);
        case 9 -> a.strings.add(in.readBytes().toByteArray());
        case 10 -> a.tensors.add(nested(this::tensor));
        case 11 -> a.graphs.add(nested(() -> graph(depth + 1)));
        case 20 -> a.type = in.readInt32();
        default -> in.skipField(tag);
      }
    }
    return a.build();
  }

  private OnnxModel.ValueInfo valueInfo() throws IOException, ConversionException {
    String[] name = {""};
    int[] elem = {0};
    List<Long> dims = new ArrayList<>();
    List<String> params = new ArrayList<>();
    boolean[] shaped = {false};
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> name[0] = in.readStringRequireUtf8();
        case 2 -> nested(() -> fields(tag2 -> {
          // TypeProto.tensor_type
          if (WireFormat.getTagFieldNumber(tag2) != 1) {
            return false;
          }
          nested(() -> fields(tag3 -> switch (WireFormat.getTagFieldNumber(tag3)) {
            case 1 -> {
              elem[0] = in.readInt32();
              yield true;
            }
            case 2 -> {
              shaped[0] = true;
              nested(() -> fields(tag4 -> {
                if (WireFormat.getTagFieldNumber(tag4) != 1) {
                  return false;
                }
                long[] value = {-1};
                String[] param = {null};
                nested(() -> fields(tag5 -> switch (WireFormat.getTagFieldNumber(tag5)) {
                  case 1 -> {
                    value[0] = in.readInt64();
                    yield true;
                  }
                  case 2 -> {
                    param[0] = in.readStringRequireUtf8();
                    yield true;
                  }
                  default -> false;
                }));
                dims.add(value[0]);
                params.add(param[0]);
                return true;
              }));
              yield true;
            }
            default -> false;
          }));
          return true;
        }));
        default -> in.skipField(tag);
      }
    }
    long[] d = shaped[0] ? dims.stream().mapToLong(Long::longValue).toArray() : null;
    return new OnnxModel.ValueInfo(name[0], elem[0], d, shaped[0] ? params : null);
  }

  private OnnxTensor tensor() throws IOException, ConversionException {
    List<Long> dims = new ArrayList<>();
    int type = 0;
    String name = "";
    long rawOffset = -1;
    long rawLength = 0;
    boolean external = false;
    Map<String, String> externalData = new LinkedHashMap<>();
    List<Long> ints = new ArrayList<>();
    List<Double> reals = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int wire = WireFormat.getTagWireType(tag);
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> readVarints(wire, dims);
        case 2 -> type = in.readInt32();
        case 4 -> readFloats(wire, reals);
        case 5, 7, 11 -> readVarints(wire, ints);
        case 8 -> name = in.readStringRequireUtf8();
        case 9 -> {
          rawLength = in.readRawVarint64();
          rawOffset = in.getTotalBytesRead();
          if (rawLength < 0 || rawLength > fileSize - rawOffset) {
            throw bomb(name, "its raw_data declares " + rawLength + " bytes, more than the file holds");
          }
          in.skipRawBytes(Math.toIntExact(rawLength));
        }
        case 10 -> readDoubles(wire, reals);
        case 13 -> nested(() -> entry(externalData));
        case 14 -> external = in.readInt32() == DATA_LOCATION_EXTERNAL;
        default -> in.skipField(tag);
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long expected = expectedBytes(name, shape, type);
    if (external) {
      return ExternalData.tensor(file, name, shape, type, expected, externalData);
    }
    if (rawOffset >= 0) {
      if (rawLength != expected) {
        throw bomb(name, "its shape and type need " + expected + " bytes but its raw_data holds "
            + rawLength);
      }
      return OnnxTensor.inFile(name, shape, type, file, rawOffset, rawLength);
    }
    byte[] typed = encode(type, ints, reals);
    if (typed.length != expected) {
      throw bomb(name, "its shape and type need " + expected + " bytes but it holds "
          + typed.length);
    }
    return OnnxTensor.inMemory(name, shape, type, typed);
  }

  private long expectedBytes(String name, long[] shape, int type) throws ConversionException {
    long count = ElemType.count(shape);
    int size = ElemType.size(type);
    if (count < 0) {
      throw bomb(name, "its dimensions " + java.util.Arrays.toString(shape)
          + " are negative or overflow");
    }
    if (size == 0) {
      // strings and exotic types: only their presence matters until an op reads them
      return count == 0 ? 0 : -1;
    }
    try {
      return Math.multiplyExact(count, size);
    } catch (ArithmeticException e) {
      throw bomb(name, "its dimensions " + java.util.Arrays.toString(shape) + " overflow");
    }
  }

  private ConversionException bomb(String tensor, String why) {
    return new ConversionException(file + ": tensor '" + tensor + "' is refused: " + why
        + ". The file is damaged or crafted; export the model again.");
  }

  private Void entry(Map<String, String> out) throws IOException {
    String key = "";
    String value = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> key = in.readStringRequireUtf8();
        case 2 -> value = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    out.put(key, value);
    return null;
  }

  /** Typed values re-encoded as raw_data would hold them (little-endian, the type's width). */
  private static byte[] encode(int type, List<Long> ints, List<Double> reals) {
    int size = Math.max(1, ElemType.size(type));
    int n = ElemType.isFloat(type) && type != ElemType.FLOAT16 ? reals.size() : ints.size();
    ByteBuffer b = ByteBuffer.allocate(n * size).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case ElemType.FLOAT -> b.putFloat(reals.get(i).floatValue());
        case ElemType.DOUBLE -> b.putDouble(reals.get(i));
        case ElemType.INT64, ElemType.UINT64 -> b.putLong(ints.get(i));
        case ElemType.INT32, ElemType.UINT32 -> b.putInt(ints.get(i).intValue());
        case ElemType.INT16, ElemType.UINT16, ElemType.FLOAT16 -> b.putShort(ints.get(i).shortValue());
        default -> b.put(ints.get(i).byteValue());
      }
    }
    return b.array();
  }

  private void readVarints(int wire, List<Long> out) throws IOException {
    if (wire != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      out.add(in.readInt64());
      return;
    }
    int limit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) {
      out.add(in.readInt64());
    }
    in.popLimit(limit);
  }

  private void readFloats(int wire, List<? super Double> out) throws IOException {
    if (wire != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      out.add((double) in.readFloat());
      return;
    }
    int limit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) {
      out.add((double) in.readFloat());
    }
    in.popLimit(limit);
  }

  private void readDoubles(int wire, List<Double> out) throws IOException {
    if (wire != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      out.add(in.readDouble());
      return;
    }
    int limit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) {
      out.add(in.readDouble());
    }
    in.popLimit(limit);
  }

  /** Reads the fields of the current message: {@code field} consumes the ones it knows. */
  private Void fields(FieldReader field) throws IOException, ConversionException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (!field.read(tag)) {
        in.skipField(tag);
      }
    }
    return null;
  }

  private interface FieldReader {
    boolean read(int tag) throws IOException, ConversionException;
  }

  private interface Part<T> {
    T read() throws IOException, ConversionException;
  }

  /** Reads one length-delimited sub-message with {@code part}. */
  private <T> T nested(Part<T> part) throws IOException, ConversionException {
    int length = in.readRawVarint32();
    if (length < 0 || length > fileSize - in.getTotalBytesRead()) {
      throw new InvalidProtocolBufferException("a message declares " + length
          + " bytes, more than the file holds");
    }
    int limit = in.pushLimit(length);
    T value = part.read();
    in.checkLastTagWas(0);
    in.popLimit(limit);
    return value;
  }
}
