package dev.bulwark.cli;

/** Usage text of {@code bulwark scan}. */
final class Help {
    private Help() {}

    static final String TEXT = """
            Usage: bulwark scan [options] [file/directory/-]...

            Options as clamscan's (see clamscan --help); the most used:
              -d, --database=FILE/DIR     load signatures from FILE or DIR (repeatable); default:
                                          /var/lib/clamav (if present) plus the built-in database
              -r, --recursive             scan subdirectories
              -i, --infected              only print infected files
              -o, --suppress-ok-results   skip printing OK files
                  --no-summary            no summary at the end
              -z, --allmatch              report every matching signature
                  --max-filesize=N[KMG]   --max-scansize --max-files --max-recursion --max-scantime
                  --alert-exceeds-max     --heuristic-scan-precedence
                  --detect-pua --exclude-pua=CAT --include-pua=CAT (repeatable)
                  --exclude=RE --exclude-dir=RE --include=RE --include-dir=RE
                  --move=DIR --copy=DIR --remove --log=FILE --stdout --quiet
            Bulwark additions:
                  --json                  one JSON object per scanned file (detections, tree, timings)
                  --threads=N             scan files in parallel (default: all cores)
                  --progress=no           no progress line on a terminal
            Exit codes: 0 clean, 1 virus found, 2 error.""";
}
