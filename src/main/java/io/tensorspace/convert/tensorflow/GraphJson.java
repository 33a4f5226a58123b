package io.tensorspace.convert.tensorflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private GraphJson() {}

  // ------------------------------------------------------------------ writing

  public static ObjectNode graph(GraphDef graph) {
    ObjectNode out = F.objectNode();
    ArrayNode nodes = out.putArray("node");
    for (NodeDef node : graph.nodes()) {
      nodes.add(node(node));
    }
    ObjectNode versions = out.putObject("versions");
    VersionDef v = graph.versions();
    if (v.producer() != 0) {
      versions.put("producer", v.producer());
    }
    if (v.minConsumer() != 0) {
      versions.put("minConsumer", v.minConsumer());
    }
    if (!v.badConsumers().isEmpty()) {
      ArrayNode bad = versions.putArray("badConsumers");
      for (Integer b : v.badConsumers()) {
        bad.add(b);
      }
    }
    return out;
  }

  static ObjectNode node(NodeDef node) {
    ObjectNode out = F.objectNode();
    out.put("name", node.getName());
    out.put("op", node.getOp());
    if (node.getInputCount() > 0) {
      ArrayNode inputs = out.putArray("input");
      for (String input : node.getInputList()) {
        inputs.add(input);
      }
    }
    if (!node.getDevice().isEmpty()) {
      out.put("device", node.getDevice());
    }
    if (node.getAttrCount() > 0) {
      out.set("attr", attrs(node.getAttrMap()));
    }
    return out;
  }

  private static ObjectNode attrs(Map<String, AttrValue> attrs) {
    ObjectNode out = F.objectNode();
    for (Map.Entry<String, AttrValue> e : new TreeMap<>(attrs).entrySet()) {
      out.set(e.getKey(), attr(e.getValue()));
    }
    return out;
  }

  static ObjectNode attr(AttrValue value) {
    ObjectNode out = F.objectNode();
    switch (value.getValueCase()) {
      case S -> out.put("s", base64(value.getS()));
      case I -> out.put("i", Long.toString(value.getI()));
      case F -> putFloat(out, "f", value.getF());
      case B -> out.put("b", value.getB());
      case TYPE -> out.put("type", typeName(value.getType()));
      case SHAPE -> out.set("shape", shape(value.getShape()));
      case TENSOR -> out.set("tensor", tensor(value.getTensor()));
      case PLACEHOLDER -> out.put("placeholder", value.getPlaceholder());
      case FUNC -> out.set("func", func(value.getFunc()));
      case LIST -> {
        ObjectNode list = out.putObject("list");
        AttrValue.ListValue l = value.getList();
        if (l.getSCount() > 0) {
          ArrayNode a = list.putArray("s");
          for (ByteString s : l.getSList()) {
            a.add(base64(s));
          }
        }
        if (l.getICount() > 0) {
          ArrayNode a = list.putArray("i");
          for (Long i : l.getIList()) {
            a.add(Long.toString(i));
          }
        }
        if (l.getFCount() > 0) {
          ArrayNode a = list.putArray("f");
          for (Float f : l.getFList()) {
            addFloat(a, f);
          }
        }
        if (l.getBCount() > 0) {
          ArrayNode a = list.putArray("b");
          for (Boolean b : l.getBList()) {
            a.add(b);
          }
        }
        if (l.getTypeCount() > 0) {
          ArrayNode a = list.putArray("type");
          for (DataType t : l.getTypeList()) {
            a.add(typeName(t));
          }
        }
        if (l.getShapeCount() > 0) {
          ArrayNode a = list.putArray("shape");
          for (TensorShapeProto s : l.getShapeList()) {
            a.add(shape(s));
          }
        }
        if (l.getTensorCount() > 0) {
          ArrayNode a = list.putArray("tensor");
          for (TensorProto t : l.getTensorList()) {
            a.add(tensor(t));
          }
        }
        if (l.getFuncCount() > 0) {
          ArrayNode a = list.putArray("func");
          for (NameAttrList fn : l.getFuncList()) {
            a.add(func(fn));
          }
        }
      }
      case VALUE_NOT_SET -> { }
      default -> { }
    }
    return out;
  }

  private static ObjectNode func(NameAttrList func) {
    ObjectNode out = F.objectNode();
    out.put("name", func.getName());
    if (func.getAttrCount() > 0) {
      out.set("attr", attrs(func.getAttrMap()));
    }
    return out;
  }

  static ObjectNode shape(TensorShapeProto shape) {
    ObjectNode out = F.objectNode();
    if (shape.getDimCount() > 0) {
      ArrayNode dims = out.putArray("dim");
      for (TensorShapeProto.Dim d : shape.getDimList()) {
        ObjectNode dim = dims.addObject();
        // always written: tfjs parses a missing size as NaN, not 0
        dim.put("size", Long.toString(d.getSize()));
        if (!d.getName().isEmpty()) {
          dim.put("name", d.getName());
        }
      }
    }
    if (shape.getUnknownRank()) {
      out.put("unknownRank", true);
    }
    return out;
  }

  /** A tensor as tfjs reads Const values; only the fields a value-less Const or a small attr use. */
  static ObjectNode tensor(TensorProto t) {
    ObjectNode out = F.objectNode();
    if (t.getDtype() != DataType.DT_INVALID) {
      out.put("dtype", typeName(t.getDtype()));
    }
    if (t.hasTensorShape()) {
      out.set("tensorShape", shape(t.getTensorShape()));
    }
    if (!t.getTensorContent().isEmpty()) {
      out.put("tensorContent", base64(t.getTensorContent()));
    }
    if (t.getFloatValCount() > 0) {
      ArrayNode a = out.putArray("floatVal");
      for (Float f : t.getFloatValList()) {
        addFloat(a, f);
      }
    }
    if (t.getDoubleValCount() > 0) {
      ArrayNode a = out.putArray("doubleVal");
      for (Double d : t.getDoubleValList()) {
        a.add(d);
      }
    }
    if (t.getIntValCount() > 0) {
      ArrayNode a = out.putArray("intVal");
      for (Integer i : t.getIntValList()) {
        a.add(i);
      }
    }
    if (t.getStringValCount() > 0) {
      ArrayNode a = out.putArray("stringVal");
      for (ByteString s : t.getStringValList()) {
        a.add(base64(s));
      }
    }
    if (t.getInt64ValCount() > 0) {
      ArrayNode a = out.putArray("int64Val");
      for (Long i : t.getInt64ValList()) {
        a.add(Long.toString(i));
      }
    }
    if (t.getBoolValCount() > 0) {
      ArrayNode a = out.putArray("boolVal");
      for (Boolean b : t.getBoolValList()) {
        a.add(b);
      }
    }
    return out;
  }

  public static ObjectNode signature(SignatureDef signature) {
    ObjectNode out = F.objectNode();
    if (signature.getInputsCount() > 0) {
      out.set("inputs", tensorInfos(signature.getInputsMap()));
    }
    if (signature.getOutputsCount() > 0) {
      out.set("outputs", tensorInfos(signature.getOutputsMap()));
    }
    if (!signature.getMethodName().isEmpty()) {
      out.put("methodName", signature.getMethodName());
    }
    return out;
  }

  private static ObjectNode tensorInfos(Map<String, TensorInfo> infos) {
    ObjectNode out = F.objectNode();
    new TreeMap<>(infos).forEach((key, info) -> {
      ObjectNode i = out.putObject(key);
      i.put("name", info.getName());
      if (info.getDtype() != DataType.DT_INVALID) {
        i.put("dtype", typeName(info.getDtype()));
      }
      if (info.hasTensorShape()) {
        i.set("tensorShape", shape(info.getTensorShape()));
      }
    });
    return out;
  }

  private static String typeName(DataType type) {
    return type == DataType.UNRECOGNIZED ? "DT_INVALID" : type.name();
  }

  private static String base64(ByteString bytes) {
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** proto3 JSON spells non-finite floats as strings. */
  private static void putFloat(ObjectNode out, String key, float f) {
    if (Float.isFinite(f)) {
      out.put(key, f);
    } else {
      out.put(key, Float.isNaN(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity");
    }
  }

  private static void addFloat(ArrayNode out, float f) {
    if (Float.isFinite(f)) {
      out.add(f);
    } else {
      out.add(Float.isNaN(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity");
    }
  }

  // ------------------------------------------------------------------ reading

  /** Reads a GraphDef written by any tfjs converter (proto3 JSON or the older pb2json layout). */
  public static GraphDef readGraph(JsonNode json) {
    List<NodeDef> nodes = new ArrayList<>();
    for (JsonNode n : field(json, "node")) {
      nodes.add(readNode(n));
    }
    JsonNode versions = field(json, "versions");
    VersionDef v = VersionDef.NONE;
    if (versions.isObject()) {
      List<Integer> bad = new ArrayList<>();
      for (JsonNode b : field(versions, "badConsumers")) {
        bad.add((int) longValue(b));
      }
      v = new VersionDef((int) longValue(field(versions, "producer")),
          (int) longValue(field(versions, "minConsumer")), bad);
    }
    return new GraphDef(nodes, v);
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
    return v.isNumber() ? v.asLong() : Long.parseLong(v.asText().trim());
  }

  private static double doubleValue(JsonNode v) {
    if (v.isNumber()) {
      return v.asDouble();
    }
    return switch (v.asText()) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(v.asText());
    };
  }

  private static DataType type(JsonNode v) {
    if (v.isNumber()) {
      DataType t = DataType.forNumber(v.asInt());
      return t == null ? DataType.DT_INVALID : t;
    }
    try {
      return DataType.valueOf(v.asText());
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
    return ByteString.ofFresh(Base64.getDecoder().decode(v.asText()));
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
