package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.ByteString;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.convert.tensorflow.graph.FunctionDef;
import io.tensorspace.convert.tensorflow.graph.NameAttrList;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.OpDef;
import io.tensorspace.convert.tensorflow.graph.SignatureDef;
import io.tensorspace.convert.tensorflow.graph.TensorInfo;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import io.tensorspace.convert.tensorflow.graph.TensorShapeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates the generated protobuf messages a SavedModel or frozen GraphDef is parsed into to the
 * pipeline's own graph model ({@code tensorflow.graph}), once, at read time; only the protobuf
 * readers use it, so a TensorFlow.js graph model never loads a protobuf class.
 */
final class ProtoGraphs {
  private ProtoGraphs() {}

  static List<NodeDef> nodes(List<org.tensorflow.proto.NodeDef> protos) {
    List<NodeDef> out = new ArrayList<>(protos.size());
    for (org.tensorflow.proto.NodeDef p : protos) {
      out.add(node(p));
    }
    return out;
  }

  static NodeDef node(org.tensorflow.proto.NodeDef p) {
    NodeDef.Builder b = NodeDef.newBuilder().setName(p.getName()).setOp(p.getOp())
        .addAllInput(p.getInputList()).setDevice(p.getDevice());
    for (Map.Entry<String, org.tensorflow.proto.AttrValue> e : p.getAttrMap().entrySet()) {
      b.putAttr(e.getKey(), attr(e.getValue()));
    }
    return b.build();
  }

  static AttrValue attr(org.tensorflow.proto.AttrValue p) {
    AttrValue.Builder v = AttrValue.newBuilder();
    switch (p.getValueCase()) {
      case S -> v.setS(bytes(p.getS()));
      case I -> v.setI(p.getI());
      case F -> v.setF(p.getF());
      case B -> v.setB(p.getB());
      case TYPE -> v.setType(type(p.getType()));
      case SHAPE -> v.setShape(shape(p.getShape()));
      case TENSOR -> v.setTensor(tensor(p.getTensor()));
      case LIST -> v.setList(list(p.getList()));
      case FUNC -> v.setFunc(func(p.getFunc()));
      case PLACEHOLDER -> v.setPlaceholder(p.getPlaceholder());
      default -> { }
    }
    return v.build();
  }

  private static AttrValue.ListValue list(org.tensorflow.proto.AttrValue.ListValue p) {
    AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
    for (com.google.protobuf.ByteString s : p.getSList()) {
      l.addS(bytes(s));
    }
    l.addAllI(p.getIList()).addAllF(p.getFList());
    for (Boolean b : p.getBList()) {
      l.addB(b);
    }
    for (org.tensorflow.proto.DataType t : p.getTypeList()) {
      l.addType(type(t));
    }
    for (org.tensorflow.proto.TensorShapeProto s : p.getShapeList()) {
      l.addShape(shape(s));
    }
    for (org.tensorflow.proto.TensorProto t : p.getTensorList()) {
      l.addTensor(tensor(t));
    }
    for (org.tensorflow.proto.NameAttrList f : p.getFuncList()) {
      l.addFunc(func(f));
    }
    return l.build();
  }

  private static NameAttrList func(org.tensorflow.proto.NameAttrList p) {
    NameAttrList.Builder f = NameAttrList.newBuilder().setName(p.getName());
    for (Map.Entry<String, org.tensorflow.proto.AttrValue> e : p.getAttrMap().entrySet()) {
      f.putAttr(e.getKey(), attr(e.getValue()));
    }
    return f.build();
  }

  static TensorShapeProto shape(org.tensorflow.proto.TensorShapeProto p) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder().setUnknownRank(p.getUnknownRank());
    for (org.tensorflow.proto.TensorShapeProto.Dim d : p.getDimList()) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d.getSize()).setName(d.getName()));
    }
    return s.build();
  }

  /** The fields the pipeline reads and writes (complex, resource and variant values are not). */
  static TensorProto tensor(org.tensorflow.proto.TensorProto p) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(type(p.getDtype()))
        .setTensorContent(bytes(p.getTensorContent()));
    if (p.hasTensorShape()) {
      t.setTensorShape(shape(p.getTensorShape()));
    }
    for (Float f : p.getFloatValList()) {
      t.addFloatVal(f);
    }
    for (Double d : p.getDoubleValList()) {
      t.addDoubleVal(d);
    }
    for (Integer i : p.getIntValList()) {
      t.addIntVal(i);
    }
    for (Integer h : p.getHalfValList()) {
      t.addHalfVal(h);
    }
    for (com.google.protobuf.ByteString s : p.getStringValList()) {
      t.addStringVal(bytes(s));
    }
    for (Long i : p.getInt64ValList()) {
      t.addInt64Val(i);
    }
    for (Long i : p.getUint64ValList()) {
      t.addUint64Val(i);
    }
    for (Boolean b : p.getBoolValList()) {
      t.addBoolVal(b);
    }
    return t.build();
  }

  static DataType type(org.tensorflow.proto.DataType p) {
    return DataType.valueOf(p.name());
  }

  static SignatureDef signature(org.tensorflow.proto.SignatureDef p) {
    SignatureDef.Builder s = SignatureDef.newBuilder().setMethodName(p.getMethodName());
    p.getInputsMap().forEach((key, info) -> s.putInputs(key, tensorInfo(info)));
    p.getOutputsMap().forEach((key, info) -> s.putOutputs(key, tensorInfo(info)));
    return s.build();
  }

  private static TensorInfo tensorInfo(org.tensorflow.proto.TensorInfo p) {
    TensorInfo.Builder t =
        TensorInfo.newBuilder().setName(p.getName()).setDtype(type(p.getDtype()));
    if (p.hasTensorShape()) {
      t.setTensorShape(shape(p.getTensorShape()));
    }
    return t.build();
  }

  static List<FunctionDef> library(org.tensorflow.proto.FunctionDefLibrary p) {
    List<FunctionDef> out = new ArrayList<>(p.getFunctionCount());
    for (org.tensorflow.proto.FunctionDef f : p.getFunctionList()) {
      out.add(function(f));
    }
    return out;
  }

  private static FunctionDef function(org.tensorflow.proto.FunctionDef p) {
    org.tensorflow.proto.OpDef sig = p.getSignature();
    return new FunctionDef(new OpDef(sig.getName(), args(sig.getInputArgList()),
        args(sig.getOutputArgList())), nodes(p.getNodeDefList()), p.getRetMap());
  }

  private static List<OpDef.ArgDef> args(List<org.tensorflow.proto.OpDef.ArgDef> p) {
    List<OpDef.ArgDef> out = new ArrayList<>(p.size());
    for (org.tensorflow.proto.OpDef.ArgDef a : p) {
      out.add(new OpDef.ArgDef(a.getName()));
    }
    return out;
  }

  private static ByteString bytes(com.google.protobuf.ByteString p) {
    return ByteString.ofFresh(p.toByteArray());
  }
}
