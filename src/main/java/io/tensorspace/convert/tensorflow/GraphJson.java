package io.tensorspace.convert.tensorflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.json.JsonWriter;
import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.ByteString;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.convert.tensorflow.graph.GraphDef;
import io.tensorspace.convert.tensorflow.graph.NameAttrList;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.SignatureDef;
import io.tensorspace.convert.tensorflow.graph.TensorInfo;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import io.tensorspace.convert.tensorflow.graph.TensorShapeProto;
import io.tensorspace.convert.tensorflow.graph.VersionDef;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GraphDef and SignatureDef to and from the JSON TensorFlow.js reads: proto3 JSON (camelCase field
 * names, int64 as strings, enums by name, bytes as base64, attr map keys unchanged). Reading also
 * accepts what older converters wrote: snake_case names, numeric enums, numbers for int64 and byte
 * arrays. Written by hand because protobuf-java-util is not a dependency; attr maps are written in
 * key order so the same graph always gives the same bytes.
 */
public final class GraphJson {
  private GraphJson() {}

  // ------------------------------------------------------------------ writing

  /** Writes {@code graph} as a model.json's {@code modelTopology}. */
  public static void graph(JsonWriter out, GraphDef graph) {
    out.startObject().name("node").startArray();
    for (NodeDef node : graph.nodes()) {
      node(out, node);
    }
    out.endArray().name("versions").startObject();
    VersionDef v = graph.versions();
    if (v.producer() != 0) {
      out.name("producer").value(v.producer());
    }
    if (v.minConsumer() != 0) {
      out.name("minConsumer").value(v.minConsumer());
    }
    if (!v.badConsumers().isEmpty()) {
      out.name("badConsumers").startArray();
      for (Integer b : v.badConsumers()) {
        out.value(b.intValue());
      }
      out.endArray();
    }
    out.endObject().endObject();
  }

  private static void node(JsonWriter out, NodeDef node) {
    out.startObject().name("name").value(node.getName()).name("op").value(node.getOp());
    if (node.getInputCount() > 0) {
      out.name("input").startArray();
      for (String input : node.getInputList()) {
        out.value(input);
      }
      out.endArray();
    }
    if (!node.getDevice().isEmpty()) {
      out.name("device").value(node.getDevice());
    }
    if (node.getAttrCount() > 0) {
      out.name("attr");
      attrs(out, node.getAttrMap());
    }
    out.endObject();
  }

  private static void attrs(JsonWriter out, Map<String, AttrValue> attrs) {
    out.startObject();
    for (Map.Entry<String, AttrValue> e : new TreeMap<>(attrs).entrySet()) {
      out.name(e.getKey());
      attr(out, e.getValue());
    }
    out.endObject();
  }

  private static void attr(JsonWriter out, AttrValue value) {
    out.startObject();
    switch (value.getValueCase()) {
      case S -> out.name("s").value(base64(value.getS()));
      case I -> out.name("i").value(Long.toString(value.getI()));
      case F -> float32(out.name("f"), value.getF());
      case B -> out.name("b").value(value.getB());
      case TYPE -> out.name("type").value(typeName(value.getType()));
      case SHAPE -> shape(out.name("shape"), value.getShape());
      case TENSOR -> tensor(out.name("tensor"), value.getTensor());
      case PLACEHOLDER -> out.name("placeholder").value(value.getPlaceholder());
      case FUNC -> func(out.name("func"), value.getFunc());
      case LIST -> list(out.name("list"), value.getList());
      case VALUE_NOT_SET -> { }
      default -> { }
    }
    out.endObject();
  }

  private static void list(JsonWriter out, AttrValue.ListValue l) {
    out.startObject();
    if (l.getSCount() > 0) {
      out.name("s").startArray();
      for (ByteString s : l.getSList()) {
        out.value(base64(s));
      }
      out.endArray();
    }
    if (l.getICount() > 0) {
      out.name("i").startArray();
      for (Long i : l.getIList()) {
        out.value(Long.toString(i));
      }
      out.endArray();
    }
    if (l.getFCount() > 0) {
      out.name("f").startArray();
      for (Float f : l.getFList()) {
        float32(out, f);
      }
      out.endArray();
    }
    if (l.getBCount() > 0) {
      out.name("b").startArray();
      for (Boolean b : l.getBList()) {
        out.value(b.booleanValue());
      }
      out.endArray();
    }
    if (l.getTypeCount() > 0) {
      out.name("type").startArray();
      for (DataType t : l.getTypeList()) {
        out.value(typeName(t));
      }
      out.endArray();
    }
    if (l.getShapeCount() > 0) {
      out.name("shape").startArray();
      for (TensorShapeProto s : l.getShapeList()) {
        shape(out, s);
      }
      out.endArray();
    }
    if (l.getTensorCount() > 0) {
      out.name("tensor").startArray();
      for (TensorProto t : l.getTensorList()) {
        tensor(out, t);
      }
      out.endArray();
    }
    if (l.getFuncCount() > 0) {
      out.name("func").startArray();
      for (NameAttrList fn : l.getFuncList()) {
        func(out, fn);
      }
      out.endArray();
    }
    out.endObject();
  }

  private static void func(JsonWriter out, NameAttrList func) {
    out.startObject().name("name").value(func.getName());
    if (func.getAttrCount() > 0) {
      out.name("attr");
      attrs(out, func.getAttrMap());
    }
    out.endObject();
  }

  private static void shape(JsonWriter out, TensorShapeProto shape) {
    out.startObject();
    if (shape.getDimCount() > 0) {
      out.name("dim").startArray();
      for (TensorShapeProto.Dim d : shape.getDimList()) {
        // always written: tfjs parses a missing size as NaN, not 0
        out.startObject().name("size").value(Long.toString(d.getSize()));
        if (!d.getName().isEmpty()) {
          out.name("name").value(d.getName());
        }
        out.endObject();
      }
      out.endArray();
    }
    if (shape.getUnknownRank()) {
      out.name("unknownRank").value(true);
    }
    out.endObject();
  }

  /** A tensor as tfjs reads Const values; only the fields a value-less Const or a small attr use. */
  private static void tensor(JsonWriter out, TensorProto t) {
    out.startObject();
    if (t.getDtype() != DataType.DT_INVALID) {
      out.name("dtype").value(typeName(t.getDtype()));
    }
    if (t.hasTensorShape()) {
      shape(out.name("tensorShape"), t.getTensorShape());
    }
    if (!t.getTensorContent().isEmpty()) {
      out.name("tensorContent").value(base64(t.getTensorContent()));
    }
    if (t.getFloatValCount() > 0) {
      out.name("floatVal").startArray();
      for (Float f : t.getFloatValList()) {
        float32(out, f);
      }
      out.endArray();
    }
    if (t.getDoubleValCount() > 0) {
      out.name("doubleVal").startArray();
      for (Double d : t.getDoubleValList()) {
        out.value(d.doubleValue());
      }
      out.endArray();
    }
    if (t.getIntValCount() > 0) {
      out.name("intVal").startArray();
      for (Integer i : t.getIntValList()) {
        out.value(i.intValue());
      }
      out.endArray();
    }
    if (t.getStringValCount() > 0) {
      out.name("stringVal").startArray();
      for (ByteString s : t.getStringValList()) {
        out.value(base64(s));
      }
      out.endArray();
    }
    if (t.getInt64ValCount() > 0) {
      out.name("int64Val").startArray();
      for (Long i : t.getInt64ValList()) {
        out.value(Long.toString(i));
      }
      out.endArray();
    }
    if (t.getBoolValCount() > 0) {
      out.name("boolVal").startArray();
      for (Boolean b : t.getBoolValList()) {
        out.value(b.booleanValue());
      }
      out.endArray();
    }
    out.endObject();
  }

  /** Writes {@code signature} as model.json holds it. */
  public static void signature(JsonWriter out, SignatureDef signature) {
    out.startObject();
    if (signature.getInputsCount() > 0) {
      tensorInfos(out.name("inputs"), signature.getInputsMap());
    }
    if (signature.getOutputsCount() > 0) {
      tensorInfos(out.name("outputs"), signature.getOutputsMap());
    }
    if (!signature.getMethodName().isEmpty()) {
      out.name("methodName").value(signature.getMethodName());
    }
    out.endObject();
  }

  private static void tensorInfos(JsonWriter out, Map<String, TensorInfo> infos) {
    out.startObject();
    for (Map.Entry<String, TensorInfo> e : new TreeMap<>(infos).entrySet()) {
      TensorInfo info = e.getValue();
      out.name(e.getKey()).startObject().name("name").value(info.getName());
      if (info.getDtype() != DataType.DT_INVALID) {
        out.name("dtype").value(typeName(info.getDtype()));
      }
      if (info.hasTensorShape()) {
        shape(out.name("tensorShape"), info.getTensorShape());
      }
      out.endObject();
    }
    out.endObject();
  }

  private static String typeName(DataType type) {
    return type == DataType.UNRECOGNIZED ? "DT_INVALID" : type.name();
  }

  private static String base64(ByteString bytes) {
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** proto3 JSON spells non-finite floats as strings. */
  private static void float32(JsonWriter out, float f) {
    if (Float.isFinite(f)) {
      out.value(f);
    } else {
      out.value(Float.isNaN(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity");
    }
  }

  // ------------------------------------------------------------------ reading

  /** Reads a GraphDef written by any tfjs converter (proto3 JSON or the older pb2json layout). */
  public static GraphDef readGraph(JsonNode json) {
    List<NodeDef> nodes = new ArrayList<>();
    for (JsonNode n : field(json, "node")) {
      nodes.add(readNode(n));
    }
    return new GraphDef(nodes, readVersions(field(json, "versions")));
  }

  /** A GraphDef's {@code versions}; none when it is no object. */
  static VersionDef readVersions(JsonNode versions) {
    if (!versions.isObject()) {
      return VersionDef.NONE;
    }
    List<Integer> bad = new ArrayList<>();
    for (JsonNode b : field(versions, "badConsumers")) {
      bad.add((int) longValue(b));
    }
    return new VersionDef((int) longValue(field(versions, "producer")),
        (int) longValue(field(versions, "minConsumer")), bad);
  }

  static NodeDef readNode(JsonNode json) {
    NodeDef.Builder node = NodeDef.newBuilder()
        .setName(field(json, "name").asText())
        .setOp(field(json, "op").asText());
    for (JsonNode input : field(json, "input")) {
      node.addInput(input.asText());
    }
    if (field(json, "device").isTextual()) {
      node.setDevice(field(json, "device").asText());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = field(json, "attr").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      node.putAttr(e.getKey(), readAttr(e.getValue()));
    }
    return node.build();
  }

  static AttrValue readAttr(JsonNode json) {
    AttrValue.Builder v = AttrValue.newBuilder();
    String key = valueKey(json);
    if (key == null) {
      return v.build();
    }
    JsonNode value = json.get(key);
    switch (key) {
      case "s" -> v.setS(bytes(value));
      case "i" -> v.setI(longValue(value));
      case "f" -> v.setF((float) doubleValue(value));
      case "b" -> v.setB(value.asBoolean());
      case "type" -> v.setType(type(value));
      case "shape" -> v.setShape(readShape(value));
      case "tensor" -> v.setTensor(readTensor(value));
      case "func" -> v.setFunc(readFunc(value));
      case "placeholder" -> v.setPlaceholder(value.asText());
      default -> v.setList(readList(value));
    }
    return v.build();
  }

  /**
   * The key holding an attr's value: proto3 JSON writes one of the oneof's fields; should several
   * be there (not null), the first of s, i, f, b, type, shape, tensor, func, placeholder, list.
   * One pass over the attr's keys instead of a lookup per field (the names are one word, the same
   * in camelCase and snake_case).
   */
  private static String valueKey(JsonNode json) {
    String best = null;
    int rank = Integer.MAX_VALUE;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int r = valueRank(e.getKey());
      if (r < rank && !e.getValue().isNull()) {
        best = e.getKey();
        rank = r;
      }
    }
    return best;
  }

  private static int valueRank(String key) {
    return switch (key) {
      case "s" -> 0;
      case "i" -> 1;
      case "f" -> 2;
      case "b" -> 3;
      case "type" -> 4;
      case "shape" -> 5;
      case "tensor" -> 6;
      case "func" -> 7;
      case "placeholder" -> 8;
      case "list" -> 9;
      default -> Integer.MAX_VALUE;
    };
  }

  private static AttrValue.ListValue readList(JsonNode l) {
    AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder();
    // loops, not lambdas: a fresh JVM links each lambda on first use
    for (JsonNode s : field(l, "s")) {
      list.addS(bytes(s));
    }
    for (JsonNode i : field(l, "i")) {
      list.addI(longValue(i));
    }
    for (JsonNode f : field(l, "f")) {
      list.addF((float) doubleValue(f));
    }
    for (JsonNode b : field(l, "b")) {
      list.addB(b.asBoolean());
    }
    for (JsonNode t : field(l, "type")) {
      list.addType(type(t));
    }
    for (JsonNode s : field(l, "shape")) {
      list.addShape(readShape(s));
    }
    for (JsonNode t : field(l, "tensor")) {
      list.addTensor(readTensor(t));
    }
    for (JsonNode fn : field(l, "func")) {
      list.addFunc(readFunc(fn));
    }
    return list.build();
  }

  private static NameAttrList readFunc(JsonNode json) {
    NameAttrList.Builder f = NameAttrList.newBuilder().setName(field(json, "name").asText());
    for (Iterator<Map.Entry<String, JsonNode>> it = field(json, "attr").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      f.putAttr(e.getKey(), readAttr(e.getValue()));
    }
    return f.build();
  }

  static TensorShapeProto readShape(JsonNode json) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (JsonNode d : field(json, "dim")) {
      TensorShapeProto.Dim.Builder dim = TensorShapeProto.Dim.newBuilder()
          .setSize(longValue(field(d, "size")));
      if (field(d, "name").isTextual()) {
        dim.setName(field(d, "name").asText());
      }
      shape.addDim(dim);
    }
    shape.setUnknownRank(field(json, "unknownRank").asBoolean(false));
    return shape.build();
  }

  static TensorProto readTensor(JsonNode json) {
    TensorProto.Builder t = TensorProto.newBuilder();
    if (has(json, "dtype")) {
      t.setDtype(type(field(json, "dtype")));
    }
    if (has(json, "tensorShape")) {
      t.setTensorShape(readShape(field(json, "tensorShape")));
    }
    if (has(json, "tensorContent")) {
      t.setTensorContent(bytes(field(json, "tensorContent")));
    }
    for (JsonNode f : field(json, "floatVal")) {
      t.addFloatVal((float) doubleValue(f));
    }
    for (JsonNode d : field(json, "doubleVal")) {
      t.addDoubleVal(doubleValue(d));
    }
    for (JsonNode i : field(json, "intVal")) {
      t.addIntVal((int) longValue(i));
    }
    for (JsonNode i : field(json, "halfVal")) {
      t.addHalfVal((int) longValue(i));
    }
    for (JsonNode s : field(json, "stringVal")) {
      t.addStringVal(bytes(s));
    }
    for (JsonNode i : field(json, "int64Val")) {
      t.addInt64Val(longValue(i));
    }
    for (JsonNode b : field(json, "boolVal")) {
      t.addBoolVal(b.asBoolean());
    }
    return t.build();
  }

  public static SignatureDef readSignature(JsonNode json) {
    SignatureDef.Builder s = SignatureDef.newBuilder();
    readInfos(field(json, "inputs"), s::putInputs);
    readInfos(field(json, "outputs"), s::putOutputs);
    if (field(json, "methodName").isTextual()) {
      s.setMethodName(field(json, "methodName").asText());
    }
    return s.build();
  }

  private static void readInfos(JsonNode json, java.util.function.BiConsumer<String, TensorInfo> put) {
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      TensorInfo.Builder info = TensorInfo.newBuilder().setName(field(e.getValue(), "name").asText());
      if (has(e.getValue(), "dtype")) {
        info.setDtype(type(field(e.getValue(), "dtype")));
      }
      if (has(e.getValue(), "tensorShape")) {
        info.setTensorShape(readShape(field(e.getValue(), "tensorShape")));
      }
      put.accept(e.getKey(), info.build());
    }
  }

  /** A field by its proto3 JSON (camelCase) name or its proto (snake_case) name; missing node if absent. */
  static JsonNode field(JsonNode json, String camel) {
    JsonNode v = json.path(camel);
    if (v.isMissingNode()) {
      String snake = SNAKE_CASE.get(camel);
      if (snake == null) {
        snake = snakeCase(camel);
        SNAKE_CASE.put(camel, snake);
      }
      v = json.path(snake);
    }
    return v;
  }

  /** The snake_case names of the few camelCase fields, looked up for every node and attribute. */
  private static final Map<String, String> SNAKE_CASE = new java.util.concurrent.ConcurrentHashMap<>();

  private static String snakeCase(String camel) {
    StringBuilder snake = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        snake.append('_');
      }
      snake.append(c);
    }
    return snake.toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static boolean has(JsonNode json, String camel) {
    JsonNode v = field(json, camel);
    return !v.isMissingNode() && !v.isNull();
  }

  private static long longValue(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return 0;
    }
    return v.isNumber() ? v.asLong() : longOf(v.asText());
  }

  /** An int64 written as text, as proto3 JSON writes it. */
  static long longOf(String text) {
    return Long.parseLong(text.trim());
  }

  private static double doubleValue(JsonNode v) {
    return v.isNumber() ? v.asDouble() : doubleOf(v.asText());
  }

  /** A float or double written as text: proto3 JSON spells the non-finite ones so. */
  static double doubleOf(String text) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static DataType type(JsonNode v) {
    return v.isNumber() ? typeOf(v.asInt()) : typeOf(v.asText());
  }

  /** A data type by its enum number, as older converters wrote it; DT_INVALID if unknown. */
  static DataType typeOf(int number) {
    DataType t = DataType.forNumber(number);
    return t == null ? DataType.DT_INVALID : t;
  }

  /** A data type by its enum name; DT_INVALID for a name this model does not know. */
  static DataType typeOf(String name) {
    try {
      return DataType.valueOf(name);
    } catch (IllegalArgumentException e) {
      return DataType.DT_INVALID;
    }
  }

  /** Bytes as base64 text, or (older converters) an array of byte values. */
  private static ByteString bytes(JsonNode v) {
    if (v.isArray()) {
      byte[] b = new byte[v.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) v.get(i).asInt();
      }
      return ByteString.ofFresh(b);
    }
    return bytesOf(v.asText());
  }

  /** Bytes written as base64 text; IllegalArgumentException when it is not base64. */
  static ByteString bytesOf(String base64) {
    return ByteString.ofFresh(Base64.getDecoder().decode(base64));
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
