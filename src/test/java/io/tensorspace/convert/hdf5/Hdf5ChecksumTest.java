package io.tensorspace.convert.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.testing.KerasH5Writer;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version 2 object header whose bytes no longer match its checksum is refused (and the file
 * left to jHDF), whichever object of the file it is: the headers are parsed from a checked copy.
 */
class Hdf5ChecksumTest {
  private static final int OHDR = 0x5244484f;

  @TempDir Path temp;

  @Test
  void aDamagedHeaderOfAnyObjectIsRefused() throws IOException {
    int files = 0;
    int damaged = 0;
    try (Stream<Path> models = Files.walk(ModelCorpus.root().resolve("tfjs-layers"))) {
      for (Path json : models.filter(p -> p.getFileName().toString().equals("model.json"))
          .sorted().toList()) {
        Path file = temp.resolve("m" + files + ".h5");
        try {
          KerasH5Writer.fromTfjs(json.getParent(), file);
        } catch (IOException | RuntimeException e) {
          continue; // a model the test writer does not write
        }
        files++;
        byte[] bytes = Files.readAllBytes(file);
        walk(Hdf5File.open(file).root()); // whole, it reads
        for (int end : headerEnds(bytes)) {
          // the header's last byte before its checksum
          Path copy = temp.resolve("damaged.h5");
          byte[] changed = bytes.clone();
          changed[end - 1] ^= 0x01;
          Files.write(copy, changed);
          Hdf5Unsupported refused = assertThrows(Hdf5Unsupported.class,
              () -> walk(Hdf5File.open(copy).root()), json + " header ending at " + end);
          assertEquals("a checksum that does not match", refused.getMessage());
          damaged++;
        }
      }
    }
    System.out.println("[hdf5] " + files + " files, " + damaged + " damaged headers refused");
    assertTrue(files >= 10 && damaged >= 100, files + " files, " + damaged + " damaged headers");
  }

  /** Reads every part the converter reads: members, attributes, dataset types and shapes. */
  private static void walk(Hdf5Object object) {
    if (object.isDataset()) {
      object.type();
      object.shape();
      object.dataAddress();
      return;
    }
    object.attribute("");
    for (String name : object.childNames()) {
      walk(object.child(name));
    }
  }

  /** Where each version 2 object header's first chunk ends (its checksum follows). */
  private static List<Integer> headerEnds(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Integer> ends = new ArrayList<>();
    for (int at = 0; at + 8 <= bytes.length; at++) {
      if (in.getInt(at) != OHDR || bytes[at + 4] != 2) {
        continue;
      }
      int flags = bytes[at + 5];
      int field = at + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
      int sizeBytes = 1 << (flags & 3);
      long size = 0;
      for (int i = 0; i < sizeBytes; i++) {
        size |= (long) (bytes[field + i] & 0xff) << (8 * i);
      }
      long end = field + sizeBytes + size;
      if (size > 0 && end + 4 <= bytes.length) {
        ends.add((int) end);
      }
    }
    return ends;
  }
}
