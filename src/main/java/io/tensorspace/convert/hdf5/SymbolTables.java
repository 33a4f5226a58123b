package io.tensorspace.convert.hdf5;

import static io.tensorspace.convert.hdf5.Hdf5File.expect;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An old-style group's links (what h5py writes by default): a version 1 B-tree ("TREE") whose
 * leaves are symbol table nodes ("SNOD"), each entry a name's offset in the group's local heap
 * ("HEAP") and the member's object header address, in name order.
 */
final class SymbolTables {
  private static final int TREE = 0x45455254;
  private static final int SNOD = 0x444f4e53;
  private static final int HEAP = 0x50414548;
  private static final int MAX_DEPTH = 64;

  private SymbolTables() {}

  static void read(Hdf5File file, long tree, long heap, Map<String, Long> into) {
    ByteBuffer heapHeader = file.at(heap, 8 + 2L * file.lengthSize() + file.offsetSize());
    expect(heapHeader.getInt() == HEAP && heapHeader.get() == 0, "a local heap");
    heapHeader.position(8);
    long size = file.length(heapHeader);
    file.length(heapHeader); // the free list
    ByteBuffer names = file.at(file.offset(heapHeader), size);
    node(file, tree, names, into, 0, new HashSet<>());
  }

  private static void node(Hdf5File file, long address, ByteBuffer names, Map<String, Long> into,
      int depth, Set<Long> seen) {
    expect(depth < MAX_DEPTH && seen.add(address), "a B-tree that loops");
    ByteBuffer in = file.at(address, 8 + 2L * file.offsetSize());
    expect(in.getInt() == TREE && in.get() == 0, "a group B-tree");
    int level = in.get() & 0xff;
    int entries = in.getShort() & 0xffff;
    int step = file.lengthSize() + file.offsetSize();
    ByteBuffer body = file.at(address + in.limit(), (long) entries * step + file.lengthSize());
    for (int i = 0; i < entries; i++) {
      body.position(i * step + file.lengthSize());
      long child = file.offset(body);
      if (level > 0) {
        node(file, child, names, into, depth + 1, seen);
      } else {
        expect(seen.add(child), "a symbol table node listed twice");
        entries(file, child, names, into);
      }
    }
  }

  private static void entries(Hdf5File file, long address, ByteBuffer names,
      Map<String, Long> into) {
    ByteBuffer in = file.at(address, 8);
    expect(in.getInt() == SNOD && in.get() == 1, "a symbol table node");
    int count = in.getShort(6) & 0xffff;
    int entrySize = 2 * file.offsetSize() + 24;
    ByteBuffer body = file.at(address + 8, (long) count * entrySize);
    for (int i = 0; i < count; i++) {
      body.position(i * entrySize);
      long nameOffset = file.offset(body);
      long header = file.offset(body);
      int cache = body.getInt();
      expect(cache == 0 || cache == 1, "a soft link");
      expect(into.put(name(names, nameOffset), header) == null, "two links of one name");
    }
  }

  /** The null-terminated name at {@code offset} of the heap's data. */
  private static String name(ByteBuffer names, long offset) {
    expect(offset >= 0 && offset < names.limit(), "a name past the local heap");
    int end = (int) offset;
    while (end < names.limit() && names.get(end) != 0) {
      end++;
    }
    byte[] bytes = new byte[end - (int) offset];
    names.get((int) offset, bytes);
    return Hdf5File.ascii(bytes);
  }
}
