package io.tensorspace.convert.tensorspace;

import io.tensorspace.convert.ConverterVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the opt-in {@code index.html}: loads TensorSpace 0.6.1 and its dependencies, then
 * {@code tensorspace-model.js}, shows the model and a prediction for a generated sample input.
 */
public final class PreviewPageWriter {
  public static final String FILE = "index.html";

  /** The scripts TensorSpace 0.6.1 needs, in load order, as {@code <package>@<version>/<file>}. */
  public static final List<String> LIBRARIES = List.of(
      "three@0.102.1/build/three.min.js",
      "three@0.102.1/examples/js/controls/TrackballControls.js",
      "@tweenjs/tween.js@17.6.0/src/Tween.js",
      "@tensorflow/tfjs@1.7.4/dist/tf.min.js",
      "tensorspace@0.6.1/dist/tensorspace.min.js");

  public void write(TensorSpaceDescription description, String libraries, Path directory)
      throws IOException {
    Files.writeString(directory.resolve(FILE), render(description, libraries), StandardCharsets.UTF_8);
  }

  public String render(TensorSpaceDescription description, String libraries) {
    StringBuilder scripts = new StringBuilder();
    for (String library : LIBRARIES) {
      scripts.append("  <script src=\"").append(html(libraries + library)).append("\"></script>\n");
    }
    return TensorSpaceScriptWriter.template("index.html.template")
        .replace("@TITLE@", html(description.name()))
        .replace("@VERSION@", html(ConverterVersion.get()))
        .replace("@LIBRARIES@", scripts.toString().stripTrailing())
        .replace("@NAME_JSON@", TensorSpaceScriptWriter.jsQuoted(description.name()));
  }

  private static String html(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
