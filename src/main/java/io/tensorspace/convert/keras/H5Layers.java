package io.tensorspace.convert.keras;

import io.jhdf.Constants;
import io.jhdf.GroupSymbolTableNode;
import io.jhdf.LocalHeap;
import io.jhdf.ObjectHeader;
import io.jhdf.SymbolTableEntry;
import io.jhdf.Utils;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.btree.BTreeV1;
import io.jhdf.dataset.DatasetReader;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.message.AttributeInfoMessage;
import io.jhdf.object.message.AttributeMessage;
import io.jhdf.object.message.DataLayoutMessage;
import io.jhdf.object.message.DataLayoutMessage.ContiguousDataLayoutMessage;
import io.jhdf.object.message.DataSpace;
import io.jhdf.object.message.DataSpaceMessage;
import io.jhdf.object.message.DataTypeMessage;
import io.jhdf.object.message.LinkInfoMessage;
import io.jhdf.object.message.LinkMessage;
import io.jhdf.object.message.Message;
import io.jhdf.object.message.SymbolTableMessage;
import io.jhdf.storage.HdfBackingStorage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The layer groups and weight datasets of a Keras weights group, read from the object headers jHDF
 * parses, each header parsed once. jHDF's groups and datasets parse every object header twice
 * (once to tell a group from a dataset, again when the node is used) through streams and lazy
 * initialisers, which in a fresh JVM's interpreter was most of reading a deep model. This walks
 * the same links, parses the same headers (every child of a listed group, as jHDF does) and
 * decodes attributes with jHDF's readers; it answers only for the plain layout Keras writes
 * (hard links, compact attributes, contiguous datasets) and gives {@code null} for anything else,
 * or for anything that fails, so that the caller reads that layer through jHDF's nodes as before,
 * with the same results and errors.
 */
final class H5Layers {
  /** A layer's weights: each stored name with its dataset, in {@code weight_names} order. */
  record Layer(List<String> names, List<Contiguous> datasets) {}

  /**
   * A contiguous dataset as read from its object header: {@code name} below layer group
   * {@code layer} of {@code weights}, where jHDF's node for it is found when needed.
   */
  record Contiguous(Group weights, String layer, String name, DataType type, DataSpace space,
      long address) {
    String path() {
      return weights.getPath() + layer + "/" + name;
    }

    Dataset jhdf() {
      return (Dataset) ((Group) weights.getByPath(layer)).getByPath(name);
    }
  }

  private record Child(long address, boolean cachedGroup) {}

  /** Marks a layer that is not stored plainly, so it is not tried twice. */
  private static final Layer NOT_PLAIN = new Layer(List.of(), List.of());
  /** Marks layer names that are not stored plainly. */
  private static final List<String> NOT_PLAIN_NAMES = List.of();
  /** Marks a group whose links are not stored plainly. */
  private static final Map<String, Child> NOT_PLAIN_GROUP = Map.of();

  private final HdfBackingStorage storage;
  private final Group weights;
  private final Map<Long, ObjectHeader> headers = new ConcurrentHashMap<>();
  private final Map<Long, Map<String, Child>> groups = new ConcurrentHashMap<>();
  private final Map<String, Layer> layers = new ConcurrentHashMap<>();
  private volatile List<String> layerNames;

  H5Layers(Group weights) {
    this.storage = weights.getHdfFile().getHdfBackingStorage();
    this.weights = weights;
  }

  Group weights() {
    return weights;
  }

  /**
   * The weights group's {@code layer_names}, as {@link KerasH5Reader#layerNames} reads them, or
   * null when they are not stored plainly or are empty (then jHDF reads them, or lists the group).
   * jHDF's node for the group is then never asked for its attributes or children, which would
   * parse its header (the largest: a link per layer) a second time.
   */
  List<String> layerNames() {
    List<String> names = layerNames;
    if (names == null) {
      try {
        names = strings(header(weights.getAddress()), "layer_names");
      } catch (RuntimeException e) {
        names = null;
      }
      names = names == null || names.isEmpty() ? NOT_PLAIN_NAMES : names;
      layerNames = names;
    }
    return names == NOT_PLAIN_NAMES ? null : names;
  }

  /**
   * The weights of {@code layer}, a child of the weights group, or null when it is not stored
   * plainly (then jHDF's nodes read it). Safe to call from two threads; the first one parses.
   */
  Layer layer(String layer) {
    Layer known = layers.get(layer);
    if (known == null) {
      try {
        known = read(layer);
      } catch (RuntimeException e) {
        known = null;
      }
      Layer prior = layers.putIfAbsent(layer, known == null ? NOT_PLAIN : known);
      if (prior != null) {
        known = prior;
      }
    }
    return known == NOT_PLAIN ? null : known;
  }

  private Layer read(String layer) {
    Map<String, Child> top = children(weights.getAddress());
    Child group = top == null || !plainName(layer) ? null : top.get(layer);
    if (group == null || !isGroup(group)) {
      return null;
    }
    List<String> names = strings(header(group.address()), "weight_names");
    if (names == null) {
      return null;
    }
    List<Contiguous> datasets = new ArrayList<>(names.size());
    for (String name : names) {
      ObjectHeader dataset = dataset(group.address(), name);
      if (dataset == null) {
        return null;
      }
      datasets.add(contiguous(dataset, layer, name));
    }
    return new Layer(names, datasets);
  }

  /** The dataset at {@code path} (names separated by '/') below the group at {@code address}. */
  private ObjectHeader dataset(long address, String path) {
    String[] parts = path.split("/", -1);
    long at = address;
    for (int i = 0; i < parts.length; i++) {
      Map<String, Child> children = plainName(parts[i]) ? children(at) : null;
      Child child = children == null ? null : children.get(parts[i]);
      if (child == null) {
        return null;
      }
      boolean last = i == parts.length - 1;
      if (last != !isGroup(child)) {
        return null;
      }
      at = child.address();
    }
    return header(at);
  }

  private static boolean plainName(String name) {
    return !name.isEmpty() && !name.equals(".") && name.indexOf('/') < 0;
  }

  private boolean isGroup(Child child) {
    if (child.cachedGroup()) {
      return true;
    }
    ObjectHeader header = header(child.address());
    return count(header, DataSpaceMessage.class) == 0 && count(header, DataTypeMessage.class) == 0;
  }

  /**
   * The hard links of the group at {@code address} by name, each child's header parsed (as jHDF
   * does when it lists a group), or null unless every child is a group or a contiguous dataset.
   */
  private Map<String, Child> children(long address) {
    Map<String, Child> children = groups.get(address);
    if (children == null) {
      children = links(address);
      Map<String, Child> prior =
          groups.putIfAbsent(address, children == null ? NOT_PLAIN_GROUP : children);
      if (prior != null) {
        children = prior;
      }
    }
    return children == NOT_PLAIN_GROUP ? null : children;
  }

  private Map<String, Child> links(long address) {
    ObjectHeader header = header(address);
    Map<String, Child> children = new LinkedHashMap<>();
    if (count(header, SymbolTableMessage.class) > 0) {
      if (!symbolTable(single(header, SymbolTableMessage.class), children)) {
        return null;
      }
    } else {
      LinkInfoMessage info = single(header, LinkInfoMessage.class);
      if (info == null || info.getBTreeNameIndexAddress() != Constants.UNDEFINED_ADDRESS) {
        return null;
      }
      for (Message message : header.getMessages()) {
        if (message instanceof LinkMessage link) {
          if (link.getLinkType() != LinkMessage.LinkType.HARD) {
            return null;
          }
          children.put(link.getLinkName(), new Child(link.getHardLinkAddress(), false));
        }
      }
    }
    for (Child child : children.values()) {
      if (!child.cachedGroup() && !isGroup(child)
          && contiguous(header(child.address()), null, null) == null) {
        return null;
      }
    }
    return children;
  }

  /** An old-style group's entries (what h5py writes by default); false for soft links. */
  private boolean symbolTable(SymbolTableMessage table, Map<String, Child> into) {
    if (table == null) {
      return false;
    }
    ByteBuffer names = new LocalHeap(storage, table.getLocalHeapAddress()).getDataBuffer();
    BTreeV1 tree = BTreeV1.createGroupBTree(storage, table.getBTreeAddress());
    for (long node : tree.getChildAddresses()) {
      SymbolTableEntry[] entries = new GroupSymbolTableNode(storage, node).getSymbolTableEntries();
      for (SymbolTableEntry entry : entries) {
        names.position(entry.getLinkNameOffset());
        String name = Utils.readUntilNull(names);
        switch (entry.getCacheType()) {
          case 0 -> into.put(name, new Child(entry.getObjectHeaderAddress(), false));
          case 1 -> into.put(name, new Child(entry.getObjectHeaderAddress(), true));
          default -> {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** The header's contiguous dataset, or null when it is none (or jHDF would refuse it). */
  private Contiguous contiguous(ObjectHeader header, String layer, String name) {
    DataLayoutMessage layout = single(header, DataLayoutMessage.class);
    DataTypeMessage type = single(header, DataTypeMessage.class);
    DataSpaceMessage space = single(header, DataSpaceMessage.class);
    if (!(layout instanceof ContiguousDataLayoutMessage contiguous) || type == null
        || space == null) {
      return null;
    }
    return new Contiguous(weights, layer, name, type.getDataType(), space.getDataSpace(),
        contiguous.getAddress());
  }

  /**
   * The {@code name} attribute as {@link H5Attributes#strings} reads it, or null when the
   * attributes are not all compact in the header, or {@code name} is split into chunks.
   */
  private List<String> strings(ObjectHeader header, String name) {
    AttributeInfoMessage info = single(header, AttributeInfoMessage.class);
    if (info == null ? count(header, AttributeInfoMessage.class) > 0
        : info.getFractalHeapAddress() != Constants.UNDEFINED_ADDRESS) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    AttributeMessage names = null;
    for (Message message : header.getMessages()) {
      if (message instanceof AttributeMessage attribute) {
        if (!seen.add(attribute.getName())) {
          return null;
        }
        if (attribute.getName().equals(name)) {
          names = attribute;
        }
      }
    }
    if (names == null) {
      return seen.contains(name + "0") ? null : List.of();
    }
    ByteBuffer data = names.getDataBuffer();
    if (data == null) {
      return List.of();
    }
    return H5Attributes.asStrings(DatasetReader.readDataset(
        names.getDataType(), data, names.getDataSpace().getDimensions(), storage));
  }

  private ObjectHeader header(long address) {
    ObjectHeader header = headers.get(address);
    if (header == null) {
      header = ObjectHeader.readObjectHeader(storage, address);
      ObjectHeader prior = headers.putIfAbsent(address, header);
      if (prior != null) {
        header = prior;
      }
    }
    return header;
  }

  private static int count(ObjectHeader header, Class<? extends Message> type) {
    int count = 0;
    for (Message message : header.getMessages()) {
      if (type.isInstance(message)) {
        count++;
      }
    }
    return count;
  }

  /** The header's one message of {@code type}, or null when it has none or several. */
  private static <T extends Message> T single(ObjectHeader header, Class<T> type) {
    T found = null;
    for (Message message : header.getMessages()) {
      if (type.isInstance(message)) {
        if (found != null) {
          return null;
        }
        found = type.cast(message);
      }
    }
    return found;
  }
}
