package io.tensorspace.convert.hdf5;

import static io.tensorspace.convert.hdf5.Hdf5File.UNDEFINED;
import static io.tensorspace.convert.hdf5.Hdf5File.expect;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group or dataset: its object header's messages, parsed when the object is first used, and
 * what they say — a group's links, the attributes, a dataset's type, shape and bytes.
 */
public final class Hdf5Object {
  private static final int DATASPACE = 0x1;
  private static final int LINK_INFO = 0x2;
  private static final int DATATYPE = 0x3;
  private static final int EXTERNAL_FILES = 0x7;
  private static final int LAYOUT = 0x8;
  private static final int FILTERS = 0xb;
  private static final int ATTRIBUTE = 0xc;
  private static final int LINK = 0x6;
  private static final int CONTINUATION = 0x10;
  private static final int SYMBOL_TABLE = 0x11;
  private static final int ATTRIBUTE_INFO = 0x15;
  /** A message's flag saying that it is stored elsewhere and shared. */
  private static final int SHARED = 0x02;

  private final Hdf5File file;
  private final long address;
  private final List<Message> messages = new ArrayList<>();
  /** The header's continuation blocks, each read once (a damaged header may loop). */
  private final Set<Long> continuations = new HashSet<>();
  private Map<String, Long> links;
  private Map<String, Hdf5Attribute> attributes;

  private record Message(int type, ByteBuffer data) {}

  /** A block of a header's messages: read from the map when reached, or already checksummed. */
  private record Chunk(long address, long size, ByteBuffer checked) {
    ByteBuffer read(Hdf5File file) {
      return checked != null ? checked : file.at(address, size);
    }
  }

  Hdf5Object(Hdf5File file, long address) {
    this.file = file;
    this.address = address;
    try {
      ByteBuffer start = file.at(address, 4);
      if (start.getInt(0) == 0x5244484f) { // "OHDR"
        readVersion2();
      } else {
        readVersion1();
      }
    } catch (RuntimeException e) {
      throw Hdf5File.unsupported(e);
    }
  }

  /** Whether this is a dataset (it has a type and a shape); else it is a group. */
  public boolean isDataset() {
    return find(DATASPACE) != null || find(DATATYPE) != null;
  }

  /** The names of a group's members, in the order jHDF lists them. */
  public List<String> childNames() {
    return new ArrayList<>(links().keySet());
  }

  /** The member {@code name} of this group, or null when it has none. */
  public Hdf5Object child(String name) {
    Long child = links().get(name);
    return child == null ? null : file.object(child);
  }

  /** The attribute {@code name}, or null when there is none. */
  public Hdf5Attribute attribute(String name) {
    if (attributes == null) {
      try {
        attributes = readAttributes();
      } catch (RuntimeException e) {
        throw Hdf5File.unsupported(e);
      }
    }
    return attributes.get(name);
  }

  /** A dataset's element type. */
  public Hdf5Type type() {
    return Hdf5Type.read(required(DATATYPE));
  }

  /** A dataset's shape: empty for a scalar. */
  public long[] shape() {
    return Hdf5Attribute.shape(file, required(DATASPACE));
  }

  /**
   * The bytes of a dataset of {@code bytes} bytes (its shape times its element size), if it is
   * stored contiguously or compactly and without filters.
   */
  public ByteBuffer data(long bytes) {
    expect(find(FILTERS) == null && find(EXTERNAL_FILES) == null, "filters or external files");
    ByteBuffer layout = required(LAYOUT);
    int version = layout.get();
    expect(version == 3 || version == 4, "data layout version ", version);
    int layoutClass = layout.get();
    if (layoutClass == 0) {
      int size = layout.getShort() & 0xffff;
      expect(size >= bytes, "compact data shorter than its shape");
      return Hdf5File.slice(layout, layout.position(), (int) bytes);
    }
    expect(layoutClass == 1, "a chunked or virtual dataset");
    long at = file.offset(layout);
    long size = file.length(layout);
    if (bytes == 0) {
      return file.at(0, 0);
    }
    expect(at != UNDEFINED && size >= bytes, "contiguous data shorter than its shape");
    return file.at(at, bytes);
  }

  /** Where a contiguous dataset's bytes start in the file, or -1 when they are in the header. */
  public long dataAddress() {
    ByteBuffer layout = required(LAYOUT);
    layout.position(1);
    return layout.get() == 1 ? file.offset(layout) : -1;
  }

  private ByteBuffer required(int type) {
    ByteBuffer data = find(type);
    expect(data != null, "no message ", type);
    return Hdf5File.little(data);
  }

  /** The one message of {@code type}, null when none; several are not what Keras writes. */
  private ByteBuffer find(int type) {
    ByteBuffer found = null;
    for (int i = 0; i < messages.size(); i++) { // no iterator: called for every dataset, interpreted
      Message message = messages.get(i);
      if (message.type() == type) {
        expect(found == null, "several messages ", type);
        found = message.data();
      }
    }
    return found;
  }

  private Map<String, Long> links() {
    if (links == null) {
      try {
        links = readLinks();
      } catch (RuntimeException e) {
        throw Hdf5File.unsupported(e);
      }
    }
    return links;
  }

  private Map<String, Long> readLinks() {
    expect(!isDataset(), "a dataset listed as a group");
    Map<String, Long> links = new LinkedHashMap<>();
    ByteBuffer table = find(SYMBOL_TABLE);
    if (table != null) {
      ByteBuffer in = Hdf5File.little(table);
      long tree = file.offset(in);
      SymbolTables.read(file, tree, file.offset(in), links);
      return links;
    }
    ByteBuffer info = find(LINK_INFO);
    if (info != null) {
      ByteBuffer in = Hdf5File.little(info);
      expect(in.get() == 0, "link info version");
      int flags = in.get();
      in.position(in.position() + ((flags & 1) != 0 ? 8 : 0));
      expect(file.offset(in) == UNDEFINED, "dense link storage");
    }
    for (Message message : messages) {
      if (message.type() == LINK) {
        link(Hdf5File.little(message.data()), links);
      }
    }
    return links;
  }

  /** A link message: a hard link's name and address (soft and external links are not read). */
  private void link(ByteBuffer in, Map<String, Long> into) {
    expect(in.get() == 1, "link message version");
    int flags = in.get();
    if ((flags & 0x08) != 0) {
      expect(in.get() == 0, "a soft or external link");
    }
    if ((flags & 0x04) != 0) {
      in.getLong();
    }
    if ((flags & 0x10) != 0) {
      in.get(); // the name's character set: names are read when they are ASCII
    }
    int nameLength = (int) Hdf5File.unsigned(in, 1 << (flags & 3));
    expect(nameLength > 0 && nameLength <= in.remaining(), "a link name past its message");
    byte[] name = new byte[nameLength];
    in.get(name);
    expect(into.put(Hdf5File.ascii(name), file.offset(in)) == null, "two links of one name");
  }

  private Map<String, Hdf5Attribute> readAttributes() {
    ByteBuffer info = find(ATTRIBUTE_INFO);
    if (info != null) {
      ByteBuffer in = Hdf5File.little(info);
      expect(in.get() == 0, "attribute info version");
      int flags = in.get();
      in.position(in.position() + ((flags & 1) != 0 ? 2 : 0));
      expect(file.offset(in) == UNDEFINED, "dense attribute storage");
    }
    Map<String, Hdf5Attribute> attributes = new LinkedHashMap<>();
    for (Message message : messages) {
      if (message.type() == ATTRIBUTE) {
        Hdf5Attribute attribute = Hdf5Attribute.read(file, Hdf5File.little(message.data()));
        expect(attributes.put(attribute.name(), attribute) == null, "two attributes of one name");
      }
    }
    return attributes;
  }

  /** A version 1 header: a 16-byte prefix, then messages of 8-byte headers, 8-byte aligned. */
  private void readVersion1() {
    ByteBuffer prefix = file.at(address, 16);
    expect(prefix.get() == 1, "object header version");
    int count = prefix.getShort(2) & 0xffff;
    long size = prefix.getInt(8) & 0xffffffffL;
    List<Chunk> chunks = new ArrayList<>();
    chunks.add(new Chunk(address + 16, size, null));
    for (int c = 0; c < chunks.size() && messages.size() < count; c++) {
      expect(c < Hdf5File.MAX_LINKS, "too many header continuations");
      ByteBuffer in = chunks.get(c).read(file);
      while (in.remaining() >= 8 && messages.size() < count) {
        int type = in.getShort() & 0xffff;
        int length = in.getShort() & 0xffff;
        int flags = in.get();
        in.position(in.position() + 3);
        add(type, flags, slice(in, length), chunks);
      }
    }
  }

  /** A version 2 header ("OHDR"), checksummed, its continuation blocks "OCHK". */
  private void readVersion2() {
    ByteBuffer prefix = file.at(address, 6);
    prefix.position(4);
    expect(prefix.get() == 2, "object header version");
    int flags = prefix.get();
    int at = 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
    int sizeBytes = 1 << (flags & 3);
    long size = Hdf5File.unsigned(file.at(address + at, sizeBytes), sizeBytes);
    long start = address + at + sizeBytes;
    expect(size >= 0 && size < Integer.MAX_VALUE - 64, "a header chunk too large");
    int prefixSize = (int) (start - address);
    ByteBuffer first = file.checked(address, prefixSize + (int) size);
    boolean ordered = (flags & 0x04) != 0;
    List<Chunk> chunks = new ArrayList<>();
    chunks.add(new Chunk(start, size, Hdf5File.slice(first, prefixSize, (int) size)));
    for (int c = 0; c < chunks.size(); c++) {
      expect(c < Hdf5File.MAX_LINKS, "too many header continuations");
      ByteBuffer in = chunks.get(c).read(file);
      int header = ordered ? 6 : 4;
      while (in.remaining() >= header) {
        int type = in.get() & 0xff;
        int length = in.getShort() & 0xffff;
        int messageFlags = in.get();
        if (ordered) {
          in.getShort();
        }
        add(type, messageFlags, slice(in, length), chunks);
      }
    }
  }

  private void add(int type, int flags, ByteBuffer data, List<Chunk> chunks) {
    if (type == 0) {
      return; // NIL: free space
    }
    expect((flags & SHARED) == 0, "a shared message");
    if (type == CONTINUATION) {
      long at = file.offset(data);
      long length = file.length(data);
      expect(continuations.add(at), "a header continued twice at one address");
      if (file.at(at, 4).getInt(0) == 0x4b48434f) { // "OCHK"
        expect(length >= 8 && length < Integer.MAX_VALUE, "a continuation block's length");
        ByteBuffer block = file.checked(at, (int) length - 4);
        chunks.add(new Chunk(at + 4, length - 8, Hdf5File.slice(block, 4, (int) length - 8)));
      } else {
        chunks.add(new Chunk(at, length, null));
      }
      return;
    }
    messages.add(new Message(type, data));
  }

  private static ByteBuffer slice(ByteBuffer in, int length) {
    expect(length <= in.remaining(), "a message past its header");
    ByteBuffer data = Hdf5File.slice(in, in.position(), length);
    in.position(in.position() + length);
    return data;
  }
}
