package io.tensorspace.convert.hostile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Byte-level and JSON-level edits of real model files, keeping HDF5 layouts intact. */
final class Edits {
  static final ObjectMapper JSON = new ObjectMapper();

  private Edits() {}

  /**
   * Replaces the {@code model_config} JSON stored in an HDF5 file in place: the new text is padded
   * with spaces to the old length (JSON ignores trailing whitespace), so no HDF5 structure moves.
   */
  static void h5Config(Path h5, UnaryOperator<String> edit) {
    try {
      byte[] bytes = Files.readAllBytes(h5);
      byte[] marker = "{\"class_name\": ".getBytes(StandardCharsets.US_ASCII);
      for (int start = indexOf(bytes, marker, 0); start >= 0;
          start = indexOf(bytes, marker, start + 1)) {
        int end = jsonEnd(bytes, start);
        if (end < 0) {
          continue;
        }
        String old = new String(bytes, start, end - start, StandardCharsets.UTF_8);
        JsonNode tree = JSON.readTree(old);
        if (!tree.path("config").isContainerNode() || tree.has("optimizer_config")) {
          continue;
        }
        byte[] replacement = edit.apply(old).getBytes(StandardCharsets.UTF_8);
        if (replacement.length > end - start) {
          throw new AssertionError("edited config is longer (" + replacement.length + ") than the"
              + " stored one (" + (end - start) + ")");
        }
        Arrays.fill(bytes, start, end, (byte) ' ');
        System.arraycopy(replacement, 0, bytes, start, replacement.length);
        Files.write(h5, bytes);
        return;
      }
      throw new AssertionError("no model_config JSON found in " + h5);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Edits the model_config as a tree; the result is written compactly. */
  static void h5ConfigTree(Path h5, UnaryOperator<ObjectNode> edit) {
    h5Config(h5, old -> {
      try {
        return JSON.writeValueAsString(edit.apply((ObjectNode) JSON.readTree(old)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The end (exclusive) of the JSON value starting at {@code start}, or -1. */
  private static int jsonEnd(byte[] bytes, int start) {
    try (JsonParser parser = JSON.getFactory().createParser(bytes, start, bytes.length - start)) {
      parser.nextToken();
      parser.skipChildren();
      return start + (int) parser.currentLocation().getByteOffset();
    } catch (IOException e) {
      return -1;
    }
  }

  static int indexOf(byte[] bytes, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(from, 0); i <= bytes.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (bytes[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * Replaces every occurrence of {@code from} (same length as {@code to}) that is not preceded by
   * {@code notAfter}; returns how many were replaced.
   */
  static int replaceBytes(Path file, String from, String to, char notAfter) {
    if (from.length() != to.length()) {
      throw new IllegalArgumentException("same length only");
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      byte[] pattern = from.getBytes(StandardCharsets.US_ASCII);
      int count = 0;
      for (int i = indexOf(bytes, pattern, 0); i >= 0; i = indexOf(bytes, pattern, i + 1)) {
        if (i > 0 && bytes[i - 1] == notAfter) {
          continue;
        }
        System.arraycopy(to.getBytes(StandardCharsets.US_ASCII), 0, bytes, i, pattern.length);
        count++;
      }
      Files.write(file, bytes);
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes the dataset at {@code path} claim {@code newDims} by overwriting its dimension sizes
   * (8-byte little-endian, as in the dataspace message) wherever the old ones appear in a row.
   */
  static int h5Dims(Path h5, String path, long... newDims) {
    long[] dims;
    try (HdfFile hdf = new HdfFile(h5)) {
      dims = ((Dataset) hdf.getByPath(path)).getDimensionsAsLong();
    }
    if (dims.length != newDims.length) {
      throw new IllegalArgumentException("rank " + dims.length);
    }
    ByteBuffer oldBytes = ByteBuffer.allocate(8 * dims.length).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer newBytes = ByteBuffer.allocate(8 * dims.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < dims.length; i++) {
      oldBytes.putLong(dims[i]);
      newBytes.putLong(newDims[i]);
    }
    try {
      byte[] bytes = Files.readAllBytes(h5);
      int count = 0;
      for (int i = indexOf(bytes, oldBytes.array(), 0); i >= 0;
          i = indexOf(bytes, oldBytes.array(), i + 1)) {
        System.arraycopy(newBytes.array(), 0, bytes, i, newBytes.capacity());
        count++;
      }
      Files.write(h5, bytes);
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode readJson(Path file) {
    try {
      return (ObjectNode) JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeJson(Path file, JsonNode node) {
    try {
      Files.writeString(file, JSON.writeValueAsString(node));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The layers array of a Keras model config (functional dict form or Sequential list form). */
  static ArrayNode layers(JsonNode modelConfig) {
    JsonNode config = modelConfig.path("config");
    return (ArrayNode) (config.isArray() ? config : config.path("layers"));
  }

  /** Rewrites a zip, replacing entries by name (null drops one) and adding new ones. */
  static void rewriteZip(Path zip, java.util.Map<String, byte[]> replace) {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      java.util.Set<String> done = new java.util.HashSet<>();
      try (ZipFile in = new ZipFile(zip.toFile()); ZipOutputStream out = new ZipOutputStream(buffer)) {
        for (ZipEntry entry : java.util.Collections.list(in.entries())) {
          byte[] content = replace.containsKey(entry.getName())
              ? replace.get(entry.getName()) : in.getInputStream(entry).readAllBytes();
          done.add(entry.getName());
          if (content != null) {
            out.putNextEntry(new ZipEntry(entry.getName()));
            out.write(content);
            out.closeEntry();
          }
        }
        for (var e : replace.entrySet()) {
          if (!done.contains(e.getKey()) && e.getValue() != null) {
            out.putNextEntry(new ZipEntry(e.getKey()));
            out.write(e.getValue());
            out.closeEntry();
          }
        }
      }
      Files.write(zip, buffer.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] zipEntry(Path zip, String name) {
    try (ZipFile in = new ZipFile(zip.toFile())) {
      return in.getInputStream(in.getEntry(name)).readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
