package io.tensorspace.convert.tensorspace;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything {@code tensorspace.json} says, and everything {@code tensorspace-model.js} is made
 * from: how TensorSpace loads the converted model, its inputs, and its outputs in the model's order,
 * each with the TensorSpace layer that draws it.
 *
 * @param name the key in {@code window.TensorSpaceModels}
 * @param modelClass {@code Sequential} (outputs mapped by position) or {@code Model} (by name)
 * @param load how {@code model.load(...)} is called
 * @param inputs the model inputs with their TensorSpace input layer
 * @param outputs every output of the converted model, in order
 * @param tspOutputs for a {@code Model}: the TensorSpace layers nothing else reads (its
 *     {@code outputs}); empty for a {@code Sequential}
 * @param predictDataShapes input shapes for TensorSpace's {@code predictDataShapes} when the model
 *     leaves some input dimension open; null otherwise
 * @param view the view setting that chose the drawn outputs
 * @param notes what a user should know, e.g. outputs that are not drawn
 */
public record TensorSpaceDescription(
    String name,
    String modelClass,
    Load load,
    List<Input> inputs,
    List<Output> outputs,
    List<String> tspOutputs,
    List<List<Long>> predictDataShapes,
    View view,
    List<String> notes) {

  public static final String SEQUENTIAL = "Sequential";
  public static final String MODEL = "Model";

  /** Arguments of TensorSpace's {@code model.load}: type, url, and outputsName for graphs. */
  public record Load(String type, String url, List<String> outputsName) {
    public Load {
      outputsName = outputsName == null ? null : List.copyOf(outputsName);
    }
  }

  /** One input; {@code tspClass} null when no TensorSpace input layer can show it. */
  public record Input(
      String name, List<Long> shape, String dtype, String tspClass, ObjectNode tspConfig) {
    public Input {
      shape = shape == null ? null : Collections.unmodifiableList(new ArrayList<>(shape));
    }
  }

  /**
   * One output of the converted model.
   *
   * @param index position in the model's outputs
   * @param name layer or node name
   * @param className Keras class or TensorFlow op
   * @param shape output shape without batch, null when unknown
   * @param tspClass the TensorSpace layer class that draws it, null when it is not drawn
   * @param tspConfig that layer's config ({@code name} included)
   * @param tspInputs the TensorSpace layers (inputs or drawn outputs) it is wired to, by name
   * @param reason why it is not drawn, or null
   * @param shownBecause why a view that leaves outputs out shows it, or null
   */
  public record Output(
      int index,
      String name,
      String className,
      List<Long> shape,
      String tspClass,
      ObjectNode tspConfig,
      List<String> tspInputs,
      String reason,
      String shownBecause) {
    public Output {
      shape = shape == null ? null : Collections.unmodifiableList(new ArrayList<>(shape));
      tspInputs = List.copyOf(tspInputs);
    }

    public boolean drawn() {
      return tspClass != null;
    }

    public boolean merge() {
      return TspLayerMapping.MERGES.contains(tspClass);
    }
  }

  public TensorSpaceDescription {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    tspOutputs = List.copyOf(tspOutputs);
    predictDataShapes = predictDataShapes == null ? null : List.copyOf(predictDataShapes);
    notes = List.copyOf(notes);
  }

  /** Whether TensorSpace can show the model: every input has an input layer, some output is drawn. */
  public boolean drawable() {
    for (Input input : inputs) {
      if (input.tspClass() == null) {
        return false;
      }
    }
    return drawnOutputs() > 0;
  }

  /** Whether some outputs are left out of the view (the script drops their values). */
  public boolean dropsOutputs() {
    return drawnOutputs() < outputs.size();
  }

  private int drawnOutputs() {
    int drawn = 0;
    for (Output output : outputs) {
      drawn += output.drawn() ? 1 : 0;
    }
    return drawn;
  }

  /** The {@code tensorspace.json} content. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("format", "tensorspace-companion");
    root.put("formatVersion", 1);
    root.put("name", name);
    root.put("tensorspace", "0.6.1");
    root.put("drawable", drawable());
    root.put("model", modelClass);
    ObjectNode viewNode = root.putObject("view");
    viewNode.put("setting", view.toString());
    viewNode.put("drawn", (long) drawnOutputs());
    viewNode.put("outputs", outputs.size());
    ObjectNode loadNode = root.putObject("load");
    loadNode.put("type", load.type());
    loadNode.put("url", load.url());
    if (load.outputsName() != null) {
      ArrayNode names = loadNode.putArray("outputsName");
      for (String outputName : load.outputsName()) {
        names.add(outputName);
      }
    }
    if (predictDataShapes != null) {
      ArrayNode shapes = root.putArray("predictDataShapes");
      for (List<Long> shape : predictDataShapes) {
        shape(shapes.addArray(), shape);
      }
    }
    ArrayNode inputArray = root.putArray("inputs");
    for (Input input : inputs) {
      ObjectNode node = inputArray.addObject();
      node.put("name", input.name());
      shapeField(node, "shape", input.shape());
      node.put("dtype", input.dtype());
      ObjectNode tsp = node.putObject("tensorspace");
      if (input.tspClass() == null) {
        tsp.putNull("class");
      } else {
        tsp.put("class", input.tspClass());
        tsp.set("config", input.tspConfig());
      }
    }
    ArrayNode outputArray = root.putArray("outputs");
    for (Output output : outputs) {
      ObjectNode node = outputArray.addObject();
      node.put("index", output.index());
      node.put("name", output.name());
      node.put("class", output.className());
      shapeField(node, "shape", output.shape());
      ObjectNode tsp = node.putObject("tensorspace");
      if (output.drawn()) {
        tsp.put("class", output.tspClass());
        tsp.set("config", output.tspConfig());
        ArrayNode wired = tsp.putArray("inputs");
        for (String input : output.tspInputs()) {
          wired.add(input);
        }
        if (output.shownBecause() != null) {
          tsp.put("shownBecause", output.shownBecause());
        }
      } else {
        tsp.putNull("class");
        tsp.put("reason", output.reason());
      }
    }
    if (MODEL.equals(modelClass)) {
      ArrayNode sinks = root.putArray("tensorspaceOutputs");
      for (String sink : tspOutputs) {
        sinks.add(sink);
      }
    }
    ArrayNode noteArray = root.putArray("notes");
    for (String note : notes) {
      noteArray.add(note);
    }
    return root;
  }

  private static void shapeField(ObjectNode node, String field, List<Long> shape) {
    if (shape == null) {
      node.putNull(field);
    } else {
      shape(node.putArray(field), shape);
    }
  }

  private static void shape(ArrayNode array, List<Long> shape) {
    for (Long dim : shape) {
      if (dim == null) {
        array.addNull();
      } else {
        array.add(dim);
      }
    }
  }
}
