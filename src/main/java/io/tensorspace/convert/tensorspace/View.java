package io.tensorspace.convert.tensorspace;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.select.ClosestName;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of the drawable outputs the TensorSpace view shows; the converted model returns all of
 * them either way.
 *
 * @param mode {@code auto} (every output up to {@link #AUTO_LIMIT}, the block-level view above),
 *     {@code all}, {@code blocks}, or {@code list} (the outputs in {@code names})
 * @param names the outputs to show, for {@code list}
 */
public record View(String mode, List<String> names) {
  /**
   * Above this many drawn outputs a one-column TensorSpace view is unreadable: at 40 levels the
   * column is 2,000 units tall and a framed layer is a few pixels wide.
   */
  public static final int AUTO_LIMIT = 40;

  public static final View AUTO = new View("auto", List.of());
  public static final View ALL = new View("all", List.of());
  public static final View BLOCKS = new View("blocks", List.of());

  public View {
    names = List.copyOf(names);
  }

  /** {@code auto}, {@code all}, {@code blocks} or a comma-separated list of output names. */
  public static View parse(String text) {
    if (text == null || text.isBlank() || text.trim().equals(AUTO.mode())) {
      return AUTO;
    }
    String trimmed = text.trim();
    if (trimmed.equals(ALL.mode())) {
      return ALL;
    }
    if (trimmed.equals(BLOCKS.mode())) {
      return BLOCKS;
    }
    return new View("list", Arrays.stream(trimmed.split(",")).map(String::trim)
        .filter(s -> !s.isEmpty()).toList());
  }

  /** Whether the view leaves some of {@code drawable} drawable outputs out. */
  boolean selects(int drawable) {
    return switch (mode) {
      case "all" -> false;
      case "auto" -> drawable > AUTO_LIMIT;
      default -> true;
    };
  }

  /**
   * The outputs shown, each with why.
   *
   * @param wiring every drawable output with its nearest drawable ancestors
   * @param last the last drawable output
   */
  Map<String, String> choose(NetworkDescription net, Map<String, List<String>> wiring,
      String last) throws ConversionException {
    if (!mode.equals("list")) {
      return BlockView.choose(net, wiring, last);
    }
    Map<String, String> shown = new LinkedHashMap<>();
    for (String name : names) {
      if (!wiring.containsKey(name)) {
        String closest = ClosestName.of(name, List.copyOf(wiring.keySet()));
        throw new ConversionException("<view> names '" + name + "', which is not a drawn output"
            + (closest == null ? "" : " (did you mean '" + closest + "'?)") + ". Drawn outputs: "
            + String.join(", ", wiring.keySet()) + ".");
      }
      shown.put(name, "named in <view>");
    }
    return shown;
  }

  /** Why an output the view leaves out is not drawn. */
  String leftOutReason(int drawable) {
    return switch (mode) {
      case "list" -> "not named in <view>";
      case "auto" -> "left out of the block-level view that " + drawable + " drawable outputs"
          + " (more than " + AUTO_LIMIT + ") get by default; <view>all</view> draws it";
      default -> "left out of the block-level view (<view>blocks</view>)";
    };
  }

  @Override
  public String toString() {
    return mode.equals("list") ? String.join(",", names) : mode;
  }
}
