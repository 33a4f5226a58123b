package io.tensorspace.convert.tensorspace;

import com.fasterxml.jackson.databind.node.TextNode;
import io.tensorspace.convert.ConverterVersion;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.tensorspace.TensorSpaceDescription.Input;
import io.tensorspace.convert.tensorspace.TensorSpaceDescription.Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code tensorspace-model.js}: a plain browser script that registers
 * {@code window.TensorSpaceModels[name] = { description, create(container, options) }}, where
 * {@code create} builds the TensorSpace model layer by layer from the description (one line per
 * layer, readable and copyable), loads the converted model relative to the script and resolves to
 * the initialised TensorSpace model.
 */
public final class TensorSpaceScriptWriter {
  public static final String FILE = "tensorspace-model.js";
  private static final String TEMPLATE = "tensorspace-model.js.template";

  /** Writes the script into {@code directory}. */
  public void write(TensorSpaceDescription description, Path directory) throws IOException {
    Files.writeString(directory.resolve(FILE), render(description), StandardCharsets.UTF_8);
  }

  /** Writes the script into {@code directory}, given the description as tensorspace.json holds it. */
  void write(TensorSpaceDescription description, String prettyJson, Path directory)
      throws IOException {
    Files.writeString(directory.resolve(FILE), render(description, prettyJson),
        StandardCharsets.UTF_8);
  }

  /** The script's text. */
  public String render(TensorSpaceDescription description) {
    return render(description, pretty(description.toJson()));
  }

  private String render(TensorSpaceDescription description, String prettyJson) {
    String json = indent(prettyJson, "  ").strip();
    return template(TEMPLATE)
        .replace("@NAME@", jsString(description.name()))
        .replace("@VERSION@", ConverterVersion.get())
        .replace("@URL@", jsString(description.load().url()))
        .replace("@BUILD@", build(description))
        .replace("@DESCRIPTION@", json);
  }

  /** The body of {@code build(container, config, options)}. */
  static String build(TensorSpaceDescription d) {
    StringBuilder js = new StringBuilder();
    String in = "    ";
    if (TensorSpaceDescription.SEQUENTIAL.equals(d.modelClass())) {
      js.append(in).append("var model = new TSP.models.Sequential(container, config);\n");
      for (Input input : d.inputs()) {
        js.append(in).append("model.add(new TSP.layers.").append(input.tspClass())
            .append("(layer(options, ").append(jsQuoted(input.name())).append(", ")
            .append(compact(input.tspConfig())).append(")));")
            .append(" // input ").append(shape(input.shape())).append('\n');
      }
      for (Output output : d.outputs()) {
        if (!output.drawn()) {
          notDrawn(js, in, output);
          continue;
        }
        js.append(in).append("model.add(new TSP.layers.").append(output.tspClass())
            .append("(layer(options, ").append(jsQuoted(output.name())).append(", ")
            .append(compact(output.tspConfig())).append(")));")
            .append(" // ").append(comment(output.className())).append(' ')
            .append(shape(output.shape())).append('\n');
      }
      js.append(in).append("return model;");
      return js.toString();
    }
    Map<String, String> variables = new HashMap<>();
    List<String> inputVariables = new ArrayList<>();
    for (Input input : d.inputs()) {
      String variable = "layer" + variables.size();
      variables.put(input.name(), variable);
      inputVariables.add(variable);
      js.append(in).append("var ").append(variable).append(" = new TSP.layers.")
          .append(input.tspClass()).append("(layer(options, ").append(jsQuoted(input.name()))
          .append(", ").append(compact(input.tspConfig())).append(")); // input ")
          .append(shape(input.shape())).append('\n');
    }
    for (Output output : d.outputs()) {
      if (!output.drawn()) {
        notDrawn(js, in, output);
        continue;
      }
      String variable = "layer" + variables.size();
      variables.put(output.name(), variable);
      List<String> sources = output.tspInputs().stream().map(variables::get).toList();
      String config = "layer(options, " + jsQuoted(output.name()) + ", "
          + compact(output.tspConfig()) + ")";
      String note = " // " + comment(output.className()) + " " + shape(output.shape());
      if (output.merge()) {
        js.append(in).append("var ").append(variable).append(" = TSP.layers.")
            .append(output.tspClass()).append("([").append(String.join(", ", sources))
            .append("], ").append(config).append(");").append(note).append('\n');
      } else {
        js.append(in).append("var ").append(variable).append(" = new TSP.layers.")
            .append(output.tspClass()).append('(').append(config).append(");").append(note)
            .append('\n');
        js.append(in).append(variable).append(".apply(").append(sources.get(0)).append(");\n");
      }
    }
    List<String> outputVariables = d.tspOutputs().stream().map(variables::get).toList();
    js.append(in).append("return new TSP.models.Model(container, Object.assign({}, config, {\n")
        .append(in).append("  inputs: [").append(String.join(", ", inputVariables)).append("],\n")
        .append(in).append("  outputs: [").append(String.join(", ", outputVariables)).append("]\n")
        .append(in).append("}));");
    return js.toString();
  }

  private static String shape(List<Long> shape) {
    return shape == null ? "[?]" : shape.toString().replace("null", "?");
  }

  private static String compact(com.fasterxml.jackson.databind.JsonNode node) {
    return Json.compact(node);
  }

  private static String pretty(com.fasterxml.jackson.databind.JsonNode node) {
    return Json.indented(node);
  }

  private static String indent(String text, String prefix) {
    StringBuilder indented = new StringBuilder(text.length() * 5 / 4);
    // the lines as String.lines() gives them (\n, \r or \r\n; no line after a final break)
    int start = 0;
    while (start < text.length()) {
      int end = start;
      while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
        end++;
      }
      indented.append(prefix).append(text, start, end).append('\n');
      start = end + (text.startsWith("\r\n", end) ? 2 : 1);
    }
    return indented.isEmpty() ? "" : indented.substring(0, indented.length() - 1);
  }

  /** A JavaScript string literal with quotes. */
  static String jsQuoted(String value) {
    return compact(TextNode.valueOf(value)).replace("</", "<\\/");
  }

  /** The inside of a JavaScript string literal (for text between the template's quotes). */
  private static String jsString(String value) {
    String quoted = jsQuoted(value);
    return quoted.substring(1, quoted.length() - 1).replace("*/", "*\\/");
  }

  private static String comment(String text) {
    return text == null ? "" : text.replace("\n", " ").replace("*/", "* /");
  }

  static String template(String name) {
    try (InputStream in = TensorSpaceScriptWriter.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The comment that stands where an output TensorSpace cannot draw would be. */
  private static void notDrawn(StringBuilder js, String indent, Output output) {
    js.append(indent).append("// output ").append(output.index()).append(" '")
        .append(comment(output.name())).append("' is not drawn: ")
        .append(comment(output.reason())).append('\n');
  }
}
