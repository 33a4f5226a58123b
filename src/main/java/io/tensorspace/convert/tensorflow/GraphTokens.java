package io.tensorspace.convert.tensorflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.json.JsonSyntaxException;
import io.tensorspace.convert.json.JsonTokenizer;
import io.tensorspace.convert.json.JsonTokenizer.Token;
import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.ByteString;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.convert.tensorflow.graph.GraphDef;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import io.tensorspace.convert.tensorflow.graph.TensorShapeProto;
import java.util.ArrayList;
import java.util.List;

/**
 * A tfjs model.json's {@code modelTopology} read from the tokens into NodeDefs without a Jackson
 * tree: the nodes are most of a graph-model's model.json, and building their tree and then the
 * NodeDefs from it cost more than the tokens. A node written as converters write it (proto3 JSON:
 * each field once, int64s as strings, no snake_case names) is read here; any other node is read
 * again as a tree by {@link GraphJson#readNode}, which stays what defines the reading. Reading a
 * node here cannot fail: what the tree reader would refuse is left to it, and read only by
 * {@link #graph()} once the whole file is tokenized, so errors come as with a tree.
 */
final class GraphTokens {
  /** The topology when it is no object; else null. */
  private JsonNode topologyTree;
  /** Per node, a NodeDef or the tree of a node read at {@link #graph()}; null if not an array. */
  private List<Object> nodes;
  /** The value of {@code node} when it is no array; else null. */
  private JsonNode nodeTree;
  private JsonNode versions = MissingNode.getInstance();

  private GraphTokens() {}

  /** The topology whose first token, {@code value}, the tokenizer is at. */
  static GraphTokens read(JsonTokenizer tokens, Token value) throws JsonSyntaxException {
    GraphTokens graph = new GraphTokens();
    if (value != Token.START_OBJECT) {
      graph.topologyTree = Json.value(tokens, value);
      return graph;
    }
    // a repeated key's last value counts, as in a tree
    for (Token next = tokens.next(); next == Token.NAME; next = tokens.next()) {
      String key = tokens.text();
      Token child = tokens.next();
      if (key.equals("node")) {
        boolean array = child == Token.START_ARRAY;
        graph.nodes = array ? nodes(tokens) : null;
        graph.nodeTree = array ? null : Json.value(tokens, child);
      } else if (key.equals("versions")) {
        graph.versions = Json.value(tokens, child);
      } else {
        tokens.skipChildren();
      }
    }
    return graph;
  }

  /** The graph, as {@link GraphJson#readGraph} reads the topology's tree. */
  GraphDef graph() {
    if (topologyTree != null) {
      return GraphJson.readGraph(topologyTree);
    }
    List<NodeDef> out = new ArrayList<>();
    if (nodes != null) {
      for (Object node : nodes) {
        out.add(node instanceof NodeDef read ? read : GraphJson.readNode((JsonNode) node));
      }
    } else if (nodeTree != null) {
      for (JsonNode node : nodeTree) {
        out.add(GraphJson.readNode(node));
      }
    }
    return new GraphDef(out, GraphJson.readVersions(versions));
  }

  /** How many nodes were left to the tree reader. */
  int treeNodes() {
    int count = 0;
    for (Object node : nodes == null ? List.of() : nodes) {
      count += node instanceof NodeDef ? 0 : 1;
    }
    return count + (nodes == null ? 1 : 0);
  }

  private static List<Object> nodes(JsonTokenizer tokens) throws JsonSyntaxException {
    List<Object> nodes = new ArrayList<>();
    for (Token next = tokens.next(); next != Token.END_ARRAY; next = tokens.next()) {
      NodeDef node = null;
      if (next == Token.START_OBJECT) {
        tokens.mark();
        node = node(tokens);
        if (node == null) {
          tokens.reset();
        }
      }
      nodes.add(node != null ? node : Json.value(tokens, next));
    }
    return nodes;
  }

  // Each reader below returns null for what it leaves to the tree reader: a repeated field, a
  // snake_case name, a value of another type than proto3 JSON gives it, or one that would not
  // parse. Fields the tree reader does not look at are skipped.

  private static NodeDef node(JsonTokenizer tokens) throws JsonSyntaxException {
    NodeDef.Builder node = NodeDef.newBuilder();
    int seen = 0;
    for (Token next = tokens.next(); next == Token.NAME; next = tokens.next()) {
      String key = tokens.text();
      Token value = tokens.next();
      int field;
      switch (key) {
        case "name" -> {
          field = 1;
          if (value != Token.STRING) {
            return null;
          }
          node.setName(tokens.text());
        }
        case "op" -> {
          field = 2;
          if (value != Token.STRING) {
            return null;
          }
          node.setOp(tokens.text());
        }
        case "input" -> {
          field = 4;
          if (value != Token.START_ARRAY || !inputs(tokens, node)) {
            return null;
          }
        }
        case "device" -> {
          field = 8;
          if (value != Token.STRING) {
            return null;
          }
          node.setDevice(tokens.text());
        }
        case "attr" -> {
          field = 16;
          if (value != Token.START_OBJECT || !attrs(tokens, node)) {
            return null;
          }
        }
        default -> {
          field = 0;
          tokens.skipChildren();
        }
      }
      if ((seen & field) != 0) {
        return null;
      }
      seen |= field;
    }
    return node.build();
  }

  private static boolean inputs(JsonTokenizer tokens, NodeDef.Builder node)
      throws JsonSyntaxException {
    for (Token next = tokens.next(); next != Token.END_ARRAY; next = tokens.next()) {
      if (next != Token.STRING) {
        return false;
      }
      node.addInput(tokens.text());
    }
    return true;
  }

  /** The attrs; a repeated name keeps its first place and last value, as in a tree. */
  private static boolean attrs(JsonTokenizer tokens, NodeDef.Builder node)
      throws JsonSyntaxException {
    for (Token next = tokens.next(); next == Token.NAME; next = tokens.next()) {
      String key = tokens.text();
      AttrValue value = tokens.next() == Token.START_OBJECT ? attr(tokens) : null;
      if (value == null) {
        return false;
      }
      node.putAttr(key, value);
    }
    return true;
  }

  /** An attr holding at most one value: several would need the tree reader's ranking. */
  private static AttrValue attr(JsonTokenizer tokens) throws JsonSyntaxException {
    AttrValue.Builder attr = AttrValue.newBuilder();
    boolean found = false;
    for (Token next = tokens.next(); next == Token.NAME; next = tokens.next()) {
      String key = tokens.text();
      Token value = tokens.next();
      Object read = null;
      switch (key) {
        case "s" -> read = bytes(tokens, value);
        case "i" -> read = longValue(tokens, value);
        case "f" -> read = doubleValue(tokens, value);
        case "b" -> read = value.isBoolean() ? value == Token.TRUE : null;
        case "type" -> read = type(tokens, value);
        case "shape" -> read = value == Token.START_OBJECT ? shape(tokens) : null;
        case "tensor" -> read = value == Token.START_OBJECT ? tensor(tokens) : null;
        case "placeholder" -> read = value == Token.STRING ? tokens.text() : null;
        case "list" -> read = value == Token.START_OBJECT ? list(tokens) : null;
        case "func" -> read = null;
        default -> {
          tokens.skipChildren();
          continue;
        }
      }
      if (read == null || found) {
        return null;
      }
      found = true;
      set(attr, key, read);
    }
    return attr.build();
  }

  private static void set(AttrValue.Builder attr, String key, Object value) {
    switch (key) {
      case "s" -> attr.setS((ByteString) value);
      case "i" -> attr.setI((Long) value);
      case "f" -> attr.setF(((Double) value).floatValue());
      case "b" -> attr.setB((Boolean) value);
      case "type" -> attr.setType((DataType) value);
      case "shape" -> attr.setShape((TensorShapeProto) value);
      case "tensor" -> attr.setTensor((TensorProto) value);
      case "placeholder" -> attr.setPlaceholder((String) value);
      default -> attr.setList((AttrValue.ListValue) value);
    }
  }

  private static AttrValue.ListValue list(JsonTokenizer tokens) throws JsonSyntaxException {
    AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder();
    int seen = 0;
    for (Token next = tokens.next(); next == Token.NAME; next = tokens.next()) {
      String key = tokens.text();
      int field = switch (key) {
        case "s" -> 1;
        case "i" -> 2;
        case "f" -> 4;
        case "b" -> 8;
        case "type" -> 16;
        case "shape" -> 32;
        case "tensor" -> 64;
        case "func" -> 128;
        default -> 0;
      };
      Token value = tokens.next();
      if (field == 0) {
        tokens.skipChildren();
        continue;
      }
      if ((seen & field) != 0 || value != Token.START_ARRAY
          || !listValues(tokens, list, field)) {
        return null;
      }
      seen |= field;
    }
    return list.build();
  }

  private static boolean listValues(JsonTokenizer tokens, AttrValue.ListValue.Builder list,
      int field) throws JsonSyntaxException {
    for (Token next = tokens.next(); next != Token.END_ARRAY; next = tokens.next()) {
      switch (field) {
        case 1 -> {
          ByteString s = bytes(tokens, next);
          if (s == null) {
            return false;
          }
          list.addS(s);
        }
        case 2 -> {
          Long i = longValue(tokens, next);
          if (i == null) {
            return false;
          }
          list.addI(i);
        }
        case 4 -> {
          Double f = doubleValue(tokens, next);
          if (f == null) {
            return false;
          }
          list.addF(f.floatValue());
        }
        case 8 -> {
          if (!next.isBoolean()) {
            return false;
          }
          list.addB(next == Token.TRUE);
        }
        case 16 -> {
          DataType type = type(tokens, next);
          if (type == null) {
            return false;
          }
          list.addType(type);
        }
        case 32 -> {
          TensorShapeProto shape = next == Token.START_OBJECT ? shape(tokens) : null;
          if (shape == null) {
            return false;
          }
          list.addShape(shape);
        }
        case 64 -> {
          TensorProto tensor = next == Token.START_OBJECT ? tensor(tokens) : null;
          if (tensor == null) {
            return false;
          }
          list.addTensor(tensor);
        }
        default -> {
          return false; // a function: left to the tree reader (older converters write [])
        }
      }
    }
    return true;
  }

  private static TensorShapeProto shape(JsonTokenizer tokens) throws JsonSyntaxException {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    int seen = 0;
    for (Token next = tokens.next(); next == Token.NAME; next = tokens.next()) {
      String key = tokens.text();
      Token value = tokens.next();
      int field;
      switch (key) {
        case "dim" -> {
          field = 1;
          if (value != Token.START_ARRAY || !dims(tokens, shape)) {
            return null;
          }
        }
        case "unknownRank" -> {
          field = 2;
          if (!value.isBoolean()) {
            return null;
          }
          shape.setUnknownRank(value == Token.TRUE);
        }
        case "unknown_rank" -> {
          return null;
        }
        default -> {
          field = 0;
          tokens.skipChildren();
        }
      }
      if ((seen & field) != 0) {
        return null;
      }
      seen |= field;
    }
    return shape.build();
  }

  private static boolean dims(JsonTokenizer tokens, TensorShapeProto.Builder shape)
      throws JsonSyntaxException {
    for (Token next = tokens.next(); next != Token.END_ARRAY; next = tokens.next()) {
      if (next != Token.START_OBJECT) {
        return false;
      }
      TensorShapeProto.Dim.Builder dim = TensorShapeProto.Dim.newBuilder();
      int seen = 0;
      for (Token key = tokens.next(); key == Token.NAME; key = tokens.next()) {
        String name = tokens.text();
        Token value = tokens.next();
        int field;
        if (name.equals("size")) {
          field = 1;
          Long size = longValue(tokens, value);
          if (size == null) {
            return false;
          }
          dim.setSize(size);
        } else if (name.equals("name")) {
          field = 2;
          if (value != Token.STRING) {
            return false;
          }
          dim.setName(tokens.text());
        } else {
          field = 0;
          tokens.skipChildren();
        }
        if ((seen & field) != 0) {
          return false;
        }
        seen |= field;
      }
      shape.addDim(dim);
    }
    return true;
  }

  private static TensorProto tensor(JsonTokenizer tokens) throws JsonSyntaxException {
    TensorProto.Builder tensor = TensorProto.newBuilder();
    int seen = 0;
    for (Token next = tokens.next(); next == Token.NAME; next = tokens.next()) {
      String key = tokens.text();
      Token value = tokens.next();
      int field;
      switch (key) {
        case "dtype" -> {
          field = 1;
          DataType type = type(tokens, value);
          if (type == null) {
            return null;
          }
          tensor.setDtype(type);
        }
        case "tensorShape" -> {
          field = 2;
          TensorShapeProto shape = value == Token.START_OBJECT ? shape(tokens) : null;
          if (shape == null) {
            return null;
          }
          tensor.setTensorShape(shape);
        }
        case "tensorContent" -> {
          field = 4;
          ByteString content = bytes(tokens, value);
          if (content == null) {
            return null;
          }
          tensor.setTensorContent(content);
        }
        case "floatVal", "doubleVal", "intVal", "halfVal", "int64Val" -> {
          field = key.equals("floatVal") ? 8 : key.equals("doubleVal") ? 16
              : key.equals("intVal") ? 32 : key.equals("halfVal") ? 64 : 128;
          if (value != Token.START_ARRAY || !numbers(tokens, tensor, field)) {
            return null;
          }
        }
        case "stringVal" -> {
          field = 256;
          if (value != Token.START_ARRAY || !strings(tokens, tensor)) {
            return null;
          }
        }
        case "boolVal" -> {
          field = 512;
          if (value != Token.START_ARRAY || !booleans(tokens, tensor)) {
            return null;
          }
        }
        case "tensor_shape", "tensor_content", "float_val", "double_val", "int_val", "half_val",
            "string_val", "int64_val", "bool_val" -> {
          return null;
        }
        default -> {
          field = 0;
          tokens.skipChildren();
        }
      }
      if ((seen & field) != 0) {
        return null;
      }
      seen |= field;
    }
    return tensor.build();
  }

  /** The elements of floatVal (8), doubleVal (16), intVal (32), halfVal (64) or int64Val. */
  private static boolean numbers(JsonTokenizer tokens, TensorProto.Builder tensor, int field)
      throws JsonSyntaxException {
    for (Token next = tokens.next(); next != Token.END_ARRAY; next = tokens.next()) {
      if (field <= 16) {
        Double d = doubleValue(tokens, next);
        if (d == null) {
          return false;
        }
        if (field == 8) {
          tensor.addFloatVal(d.floatValue());
        } else {
          tensor.addDoubleVal(d);
        }
      } else {
        Long i = longValue(tokens, next);
        if (i == null) {
          return false;
        }
        if (field == 32) {
          tensor.addIntVal(i.intValue());
        } else if (field == 64) {
          tensor.addHalfVal(i.intValue());
        } else {
          tensor.addInt64Val(i);
        }
      }
    }
    return true;
  }

  private static boolean strings(JsonTokenizer tokens, TensorProto.Builder tensor)
      throws JsonSyntaxException {
    for (Token next = tokens.next(); next != Token.END_ARRAY; next = tokens.next()) {
      ByteString s = bytes(tokens, next);
      if (s == null) {
        return false;
      }
      tensor.addStringVal(s);
    }
    return true;
  }

  private static boolean booleans(JsonTokenizer tokens, TensorProto.Builder tensor)
      throws JsonSyntaxException {
    for (Token next = tokens.next(); next != Token.END_ARRAY; next = tokens.next()) {
      if (!next.isBoolean()) {
        return false;
      }
      tensor.addBoolVal(next == Token.TRUE);
    }
    return true;
  }

  /** A data type by name or (older converters) by number, as the tree reader reads it. */
  private static DataType type(JsonTokenizer tokens, Token value) {
    if (value == Token.STRING) {
      return GraphJson.typeOf(tokens.text());
    }
    return value.isNumber() ? GraphJson.typeOf(Json.scalar(tokens, value).asInt()) : null;
  }

  /** An integer written as a number or as text, as the tree reader reads it; null if it fails. */
  private static Long longValue(JsonTokenizer tokens, Token value) {
    if (value == Token.STRING) {
      try {
        return GraphJson.longOf(tokens.text());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return value.isNumber() ? Json.scalar(tokens, value).asLong() : null;
  }

  /** A float written as a number or as text, as the tree reader reads it; null if it fails. */
  private static Double doubleValue(JsonTokenizer tokens, Token value) {
    if (value == Token.STRING) {
      try {
        return GraphJson.doubleOf(tokens.text());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return value.isNumber() ? Json.scalar(tokens, value).asDouble() : null;
  }

  /**
   * Bytes as base64 text or (older converters) an array of byte values, as the tree reader reads
   * them; null if they are neither.
   */
  private static ByteString bytes(JsonTokenizer tokens, Token value) throws JsonSyntaxException {
    if (value == Token.STRING) {
      return bytes(tokens.text());
    }
    if (value != Token.START_ARRAY) {
      return null;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Token next = tokens.next(); next != Token.END_ARRAY; next = tokens.next()) {
      if (next != Token.INT) {
        return null;
      }
      out.write(Json.scalar(tokens, next).asInt());
    }
    return ByteString.ofFresh(out.toByteArray());
  }

  /** Base64 text as bytes; null if it is not base64. */
  private static ByteString bytes(String base64) {
    try {
      return GraphJson.bytesOf(base64);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
