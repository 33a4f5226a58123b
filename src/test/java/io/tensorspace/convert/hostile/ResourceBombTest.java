package io.tensorspace.convert.hostile;

import static io.tensorspace.convert.hostile.Hostile.Kind.LAYERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that declare more than they hold: shapes whose element count overflows {@code int} or
 * {@code long} or exceeds the file, HDF5 datasets claiming terabytes, archives that expand
 * enormously, JSON nested beyond any model. Each is refused before the memory is asked for (a
 * terabyte allocation would be an OutOfMemoryError, which the checks in {@link Hostile} fail on).
 */
class ResourceBombTest {
  @TempDir Path temp;

  private Path tfjs(String tag) {
    return Hostile.copy(Hostile.TFJS, temp.resolve(tag)).resolve("model.json");
  }

  /** A copy of a real Keras 2 model (an LSTM), in its own folder. */
  private Path keras(String tag) {
    return Hostile.copy(Hostile.KERAS2, temp.resolve(tag)).resolve("lstm_functional_tf_keras_2.h5");
  }

  private static void shape(Path json, int weight, long... dims) {
    ObjectNode root = Edits.readJson(json);
    ArrayNode shape = (ArrayNode) root.at("/weightsManifest/0/weights/" + weight + "/shape");
    shape.removeAll();
    for (long d : dims) {
      shape.add(d);
    }
    Edits.writeJson(json, root);
  }

  @Test
  void tfjsShapeOverflowsLong() {
    Path json = tfjs("l");
    shape(json, 0, 1L << 32, 1L << 32, 1L << 32);
    Hostile.assertRefused(LAYERS, json, temp.resolve("l-out"));
  }

  @Test
  void tfjsShapeOverflowsInt() {
    Path json = tfjs("i");
    shape(json, 0, 1L << 31, 3);
    Hostile.assertRefused(LAYERS, json, temp.resolve("i-out"));
  }

  @Test
  void tfjsWeightsTogetherOverflowLong() {
    Path json = tfjs("s");
    shape(json, 0, 1L << 30, 1L << 30, 1L << 1);  // 2^61 elements, 2^63 bytes: each fits alone
    shape(json, 1, 1L << 30, 1L << 30, 1L << 1);
    Hostile.assertRefused(LAYERS, json, temp.resolve("s-out"));
  }

  @Test
  void tfjsShapeExceedsTheShards() {
    Path json = tfjs("x");
    shape(json, 0, 1_000_000, 1_000);  // 4 GB declared, 9 KB present
    ConversionException e = Hostile.assertRefused(LAYERS, json, temp.resolve("x-out"));
    assertTrue(e.getMessage().contains("bytes"), e.getMessage());
  }

  @Test
  void hdf5DatasetClaimsTerabytes() {
    Path h5 = keras("t");
    String kernel = "/model_weights/lstm/lstm/kernel:0";
    long[] dims;
    try (io.jhdf.HdfFile hdf = new io.jhdf.HdfFile(h5)) {
      dims = ((io.jhdf.api.Dataset) hdf.getByPath(kernel)).getDimensionsAsLong();
    }
    assertTrue(Edits.h5Dims(h5, kernel, dims[0], 1L << 40) > 0);  // 4 * 2^40 floats: 16 TiB
    ConversionException e = Hostile.assertRefused(LAYERS, h5, temp.resolve("t-out"));
    assertTrue(e.getMessage().contains("kernel"), e.getMessage());
  }

  @Test
  void hdf5DatasetShapeOverflowsLong() {
    Path h5 = keras("o");
    String kernel = "/model_weights/lstm/lstm/kernel:0";
    assertTrue(Edits.h5Dims(h5, kernel, 1L << 40, 1L << 40) > 0);
    Hostile.assertRefused(LAYERS, h5, temp.resolve("o-out"));
  }

  @Test
  void hdf5ObjectHeaderClaimsGigabytes() throws IOException {
    Path h5 = keras("g");
    try (FileChannel file = FileChannel.open(h5, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer superblock = ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN);
      file.read(superblock, 0);
      assertEquals(0, superblock.get(8), "superblock version 0 expected");
      long rootHeader = superblock.getLong(64); // root group symbol table entry: header address
      ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      file.read(header, rootHeader);
      assertEquals(1, header.get(0), "version 1 object header expected");
      file.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x7fff_fff0),
          rootHeader + 8); // its size: 2 GiB
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    ConversionException e = assertThrows(ConversionException.class, () -> new Converter().convert(
        new ConversionRequest(h5, null, temp.resolve("g-out"), List.of(), List.of(),
            ConversionRequest.DEFAULT_SHARD_SIZE)));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 64L << 20, "allocated " + allocated + " bytes before refusing");
    assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
  }

  /** An entry of {@code size} zero bytes, deflated (about 1000:1). */
  private static void zeros(ZipOutputStream zip, String name, long size) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    byte[] block = new byte[1 << 20];
    for (long left = size; left > 0; left -= block.length) {
      zip.write(block, 0, (int) Math.min(block.length, left));
    }
    zip.closeEntry();
  }

  @Test
  void kerasArchiveConfigExpandsEnormously() throws IOException {
    Path original = Hostile.corpus(Hostile.KERAS3).dir().resolve("model.keras");
    Path bomb = temp.resolve("config-bomb.keras");
    try (ZipFile in = new ZipFile(original.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bomb))) {
      out.setLevel(9);
      out.putNextEntry(new ZipEntry("metadata.json"));
      out.write(in.getInputStream(in.getEntry("metadata.json")).readAllBytes());
      out.closeEntry();
      // 80 MiB of spaces (over the 64 MiB a config may have) that deflate to about 80 KB
      out.putNextEntry(new ZipEntry("config.json"));
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 80; i++) {
        out.write(spaces);
      }
      out.write("{}".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    assertTrue(Files.size(bomb) < 2 << 20);
    Hostile.assertRefused(LAYERS, bomb, temp.resolve("cb-out"));
  }

  @Test
  void kerasArchiveWeightsExpandEnormously() throws IOException {
    Path original = Hostile.corpus(Hostile.KERAS3).dir().resolve("model.keras");
    Path bomb = temp.resolve("weights-bomb.keras");
    try (ZipFile in = new ZipFile(original.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bomb))) {
      out.setLevel(9);
      for (String name : new String[] {"metadata.json", "config.json"}) {
        out.putNextEntry(new ZipEntry(name));
        out.write(in.getInputStream(in.getEntry(name)).readAllBytes());
        out.closeEntry();
      }
      zeros(out, "model.weights.h5", 96L << 20);
    }
    String message = Hostile.assertRefused(LAYERS, bomb, temp.resolve("wb-out")).getMessage();
    // refused from the archive's own sizes, before 96 MiB are extracted
    assertTrue(message.contains("times its stored size"), message);
  }

  @Test
  void deeplyNestedJson() throws IOException {
    String nested = "[".repeat(200_000) + "]".repeat(200_000);
    // a tfjs model.json
    Path json = tfjs("n");
    Files.writeString(json, "{\"format\": \"layers-model\", \"modelTopology\": " + nested + "}");
    ConversionException e = Hostile.assertRefused(LAYERS, json, temp.resolve("n-out"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    // inside a layer config, where a recursive reader would overflow its stack
    Path json2 = tfjs("n2");
    ObjectNode root = Edits.readJson(json2);
    String text = Edits.JSON.writeValueAsString(root).replace("\"seed\":null", "\"seed\":" + nested);
    Files.writeString(json2, text);
    Hostile.assertRefused(LAYERS, json2, temp.resolve("n2-out"));
    // a Keras 3 config.json
    Path keras = Hostile.copy(Hostile.KERAS3, temp.resolve("n3")).resolve("model.keras");
    Edits.rewriteZip(keras, java.util.Map.of("config.json",
        ("{\"class_name\": \"Functional\", \"config\": " + nested + "}").getBytes(StandardCharsets.UTF_8)));
    Hostile.assertRefused(LAYERS, keras, temp.resolve("n3-out"));
    // a topology JSON with separate HDF5 weights
    Path separated = Hostile.copy(Hostile.SEPARATED, temp.resolve("n4"));
    Path topology = Files.writeString(temp.resolve("n4-topology.json"),
        "{\"class_name\": \"Sequential\", \"config\": " + nested + "}");
    Hostile.assertRefused(LAYERS, topology, separated.resolve("ELU_0_weights.h5"),
        temp.resolve("n4-out"), topology);
  }

  @Test
  void manyLayersWideManifest() throws IOException {
    // 200k weight entries of one element each: big, but bounded and refused (no such layers)
    Path json = tfjs("w");
    ObjectNode root = Edits.readJson(json);
    ArrayNode weights = (ArrayNode) root.at("/weightsManifest/0/weights");
    for (int i = 0; i < 200_000; i++) {
      weights.addObject().put("name", "gru_GRU1/extra_" + i).putArray("shape").add(1);
    }
    Edits.writeJson(json, root);
    Hostile.assertRefusedOrConverted(LAYERS, json, null, temp.resolve("w-out"));
  }

  static void unused(OutputStream out) {}
}
