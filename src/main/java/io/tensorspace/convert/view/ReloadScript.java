package io.tensorspace.convert.view;

/**
 * What the viewer adds to a served preview page: a script that asks the viewer every second for
 * its version and reloads the page once a reconversion changed it. The page written to disk stays
 * as the preprocess goal writes it.
 */
final class ReloadScript {
  private static final String SCRIPT = """
      <script>
        /* added by tensorspace:view: reload when the model was converted again */
        (function () {
          var shown = "@VERSION@";
          setInterval(function () {
            fetch("%s", { cache: "no-store" }).then(function (response) {
              return response.ok ? response.text() : shown;
            }).then(function (version) {
              if (version !== shown) { location.reload(); }
            }, function () { /* the viewer stopped: keep the page as it is */ });
          }, 1000);
        })();
      </script>
      """.formatted(ViewServer.VERSION);

  private ReloadScript() {}

  /** The page with the script before its closing body tag (or at its end). */
  static String insert(String page, long version) {
    String script = SCRIPT.replace("@VERSION@", Long.toString(version));
    int end = page.lastIndexOf("</body>");
    return end < 0 ? page + script : page.substring(0, end) + script + page.substring(end);
  }
}
