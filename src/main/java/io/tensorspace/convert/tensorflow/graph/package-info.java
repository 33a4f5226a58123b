/**
 * The plugin's own in-memory form of the TensorFlow graph messages the graph pipeline works on
 * (NodeDef, AttrValue, TensorProto, ...), with the names, getters and builders of the generated
 * protobuf classes so that code reads the same. A TensorFlow.js graph model is JSON: building its
 * nodes as protobuf messages loaded some 260 protobuf classes (a good part of converting a
 * MobileNet) for nothing. The readers of protobuf files (SavedModel, frozen GraphDef, ONNX) parse
 * with the generated classes and translate once ({@code tensorflow.ProtoGraphs}).
 *
 * <p>Only the fields the pipeline reads or writes are kept. Getters return the protobuf defaults
 * (0, "", empty) for unset fields; maps keep insertion order as protobuf-java's do; equality is by
 * value.
 */
package io.tensorspace.convert.tensorflow.graph;
