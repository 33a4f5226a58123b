package io.tensorspace.convert.summary;

import java.util.List;

/** What the {@code summary} goal prints: every layer or node a user can pick, as table lines. */
public interface Summary {
  List<String> toLines();
}
