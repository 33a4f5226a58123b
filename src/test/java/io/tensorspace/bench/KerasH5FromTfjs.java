package io.tensorspace.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark input only: writes the weights of a tfjs-made Dense model into a Keras 2 HDF5 file with
 * the jHDF writer, so the benchmark can time the HDF5 reader on the same model. Not a test fixture.
 *
 * <p>usage: {@code KerasH5FromTfjs <tfjs model dir> <out.h5>}
 */
public final class KerasH5FromTfjs {
  private KerasH5FromTfjs() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    JsonNode model = new ObjectMapper().readTree(dir.resolve("model.json").toFile());
    JsonNode group = model.path("weightsManifest").get(0);
    List<InputStream> shards = new ArrayList<>();
    for (JsonNode path : group.path("paths")) {
      shards.add(Files.newInputStream(dir.resolve(path.asText())));
    }
    Map<String, List<String>> weightNames = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(
            new SequenceInputStream(Collections.enumeration(shards)));
        WritableHdfFile h5 = HdfFile.write(Path.of(args[1]))) {
      h5.putAttribute("keras_version", "2.2.4");
      h5.putAttribute("backend", "tensorflow");
      h5.putAttribute("model_config", model.path("modelTopology").toString());
      WritableGroup weights = h5.putGroup("model_weights");
      Map<String, WritableGroup> scopes = new LinkedHashMap<>();
      for (JsonNode spec : group.path("weights")) {
        String name = spec.path("name").asText();
        String layer = name.substring(0, name.indexOf('/'));
        String weight = name.substring(name.indexOf('/') + 1);
        WritableGroup scope = scopes.computeIfAbsent(layer, l -> weights.putGroup(l).putGroup(l));
        weightNames.computeIfAbsent(layer, l -> new ArrayList<>()).add(name + ":0");
        scope.putDataset(weight + ":0", read(in, spec.path("shape")));
      }
      weightNames.forEach((layer, names) ->
          ((WritableGroup) weights.getChild(layer)).putAttribute("weight_names",
              names.toArray(new String[0])));
      weights.putAttribute("layer_names", weightNames.keySet().toArray(new String[0]));
    }
  }

  private static Object read(DataInputStream in, JsonNode shape) throws IOException {
    int rows = shape.get(0).asInt();
    if (shape.size() == 1) {
      return floats(in, rows);
    }
    int columns = shape.get(1).asInt();
    float[][] matrix = new float[rows][];
    for (int r = 0; r < rows; r++) {
      matrix[r] = floats(in, columns);
    }
    return matrix;
  }

  private static float[] floats(DataInputStream in, int count) throws IOException {
    byte[] bytes = new byte[count * 4];
    in.readFully(bytes);
    float[] values = new float[count];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }
}
