package dev.bulwark.cli;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.heuristics.dlp.DlpOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * clamscan's command line (clamav-notes §3): the same option names, value forms ({@code --opt=v},
 * {@code --opt v}, {@code -d v}, {@code -dv}, bundles such as {@code -rd v}, {@code --flag}, {@code --flag=yes|no})
 * and size suffixes.
 * Parsing fails with a {@link UsageException} naming the bad option.
 */
final class ClamscanOptions {
    static final class UsageException extends Exception {
        /** True when an option's value is missing (clamscan: "Incomplete option passed"), else an unknown option. */
        final boolean missingValue;

        /**
         * clamscan's own line for a value its parser refuses ("ERROR: Incorrect argument format for option --X"),
         * printed alone before "ERROR: Can't parse command line options"; null for an unknown option or a missing value.
         */
        final String clamscanLine;

        UsageException(String m) { this(m, false, null); }

        private UsageException(String m, boolean missingValue, String clamscanLine) {
            super(m, null, false, false);
            this.missingValue = missingValue;
            this.clamscanLine = clamscanLine;
        }

        static UsageException missing(String m) { return new UsageException(m, true, null); }

        /** A value clamscan's parser refuses, reported with clamscan's line. */
        static UsageException value(String line) { return new UsageException(line.substring("ERROR: ".length()), false, line); }
    }

    final List<Path> databases = new ArrayList<>();
    final List<String> targets = new ArrayList<>();
    final List<Pattern> exclude = new ArrayList<>(), excludeDir = new ArrayList<>(), include = new ArrayList<>(), includeDir = new ArrayList<>();
    boolean recursive, infectedOnly, suppressOk, noSummary, quiet, toStdout, verbose, debug, bell, json, progress = true;
    /** -a: clamscan's line naming where in an archive the detection is (see ArchiveVerbose). */
    boolean archiveVerbose;
    /** --disable-cache: no clean cache (what -a prints depends on it). */
    boolean disableCache;
    /** --max-recursion=0: libclamav's warning, and its default kept. */
    boolean maxRecursionZero;
    /** --cross-fs (clamscan's default yes): no keeps a walk on the named directory's file system. */
    boolean crossFs = true;
    String log, move, copy, fileList, tempdir;
    boolean remove;
    int threads = Runtime.getRuntime().availableProcessors();
    int followDirSymlinks = 1, followFileSymlinks = 1, maxDirRecursion = 15;
    ScanOptions scan = ScanOptions.defaults();
    LoadOptions load = LoadOptions.defaults();
    Limits limits = Limits.DEFAULTS;
    /** --exclude-pua / --include-pua categories in command-line order (applied with --detect-pua only). */
    final List<String> excludePua = new ArrayList<>(), includePua = new ArrayList<>();
    /** --detect-structured and its settings; applied at the end of parsing, as clamscan does. */
    boolean detectStructured, structuredCcOnly;
    /** The numbers as clamscan's option parser holds them (C ints), null when not given. */
    Integer structuredSsnFormat, structuredSsnCount, structuredCcCount;
    /** Set when the settings are invalid in a way clamscan reports after parsing (exit 2). */
    String structuredError;

    /** Options that take a value. */
    private static final Set<String> VALUED = Set.of("database", "log", "move", "copy", "file-list", "exclude", "exclude-dir",
            "include", "include-dir", "max-filesize", "max-scansize", "max-files", "max-recursion", "max-scantime",
            "max-dir-recursion", "follow-dir-symlinks", "follow-file-symlinks", "threads", "yara-rules", "tempdir",
            "max-embeddedpe", "max-htmlnormalize", "max-htmlnotags", "max-scriptnormalize", "max-ziptypercg",
            "max-partitions", "max-iconspe", "max-rechwp3", "pcre-match-limit", "pcre-recmatch-limit", "pcre-max-filesize",
            "exclude-pua", "include-pua", "structured-ssn-format", "structured-ssn-count", "structured-cc-count",
 "fail-if-cvd-older-than", "bytecode-timeout", "bytecode-mode", "statistics",
            "progress", "dev-ac-depth",
            // deprecated ones that take a value (number or size; --unzip and the like take one only as --unzip=X)
            "max-ratio", "max-space", "timelimit", "cache-size");
    /** Boolean options accepted for compatibility that do not change what Bulwark does. */
    private static final Set<String> IGNORED_FLAGS = Set.of("leave-temps", "force-to-disk", "gen-json",
            "nocerts", "dumpcerts", "bytecode", "bytecode-unsigned", "alert-broken-media",
            "alert-partition-intersection", "scan-swf", "scan-xmldocs", "scan-hwp3", "scan-onenote", "scan-image",
            "scan-image-fuzzy-hash", "phishing-sigs", "fips-limits", "official-db-only-x",
            // clamscan's hidden or old ones with nothing to do here (a scan cache, developer statistics, .mdb output)
            "partition-intersection", "gen-mdb", "dev-ac-only", "dev-performance");
    /** clamscan 1.4.6's number options (MATCH_NUMBER: decimal digits only, no size suffix). */
    private static final Set<String> NUMBER = Set.of("follow-dir-symlinks", "follow-file-symlinks", "structured-ssn-format",
            "cache-size", "fail-if-cvd-older-than", "max-dir-recursion", "bytecode-timeout", "structured-cc-count",
            "structured-ssn-count", "max-scantime", "max-recursion", "max-files", "max-partitions", "max-iconspe", "max-rechwp3",
            "pcre-match-limit", "pcre-recmatch-limit", "dev-ac-depth");
    /** clamscan 1.4.6's size options (MATCH_SIZE: digits, then K, M or G in either case). */
    private static final Set<String> SIZE = Set.of("max-scansize", "max-filesize", "max-embeddedpe", "max-htmlnormalize",
            "max-htmlnotags", "max-scriptnormalize", "max-ziptypercg", "pcre-max-filesize");
    /** clamscan's string options with a value pattern of their own (matched ignoring case). */
    private static final Set<String> STRING_FORMAT = Set.of("bytecode-mode", "statistics");
    /** clamscan 1.4.6's boolean options (MATCH_BOOL: yes, true, 1, no, false or 0, in any case; "yes" when bare). */
    private static final Set<String> BOOLEAN = Set.of("help", "version", "debug", "gen-json", "verbose", "dumpcerts", "quiet",
            "leave-temps", "stdout", "allmatch", "normalize", "recursive", "gen-mdb", "bell", "no-summary", "infected",
            "suppress-ok-results", "remove", "archive-verbose", "alert-exceeds-max", "official-db-only", "cross-fs",
            "disable-cache", "bytecode", "bytecode-unsigned", "detect-pua", "scan-pe", "scan-elf", "scan-mail", "phishing-sigs",
            "phishing-scan-urls", "heuristic-alerts", "heuristic-scan-precedence", "detect-structured", "scan-html", "scan-ole2",
            "alert-broken", "alert-broken-media", "alert-encrypted", "structured-cc-mode", "alert-encrypted-archive",
            "alert-encrypted-doc", "alert-macros", "alert-phishing-ssl", "alert-phishing-cloak", "alert-partition-intersection",
            "scan-pdf", "scan-swf", "scan-xmldocs", "scan-hwp3", "scan-onenote", "scan-archive", "scan-image",
            "scan-image-fuzzy-hash", "force-to-disk", "dev-ac-only", "dev-performance", "nocerts", "algorithmic-detection",
            "block-max", "phishing-ssl", "phishing-cloak", "partition-intersection", "block-macros", "block-encrypted");
    /** Bulwark's own options: their values are checked where they are used. */
    private static final Set<String> OWN = Set.of("json", "threads", "progress");
    /**
     * The value patterns, compiled on first use (a class of their own): most command lines give no value they check,
     * and compiling them in the interpreter cost a one-file scan ~0.5 ms of its start (startup10).
     */
    private static final class Formats {
        static final Pattern NUMBER = Pattern.compile("[0-9]+"), SIZE = Pattern.compile("[0-9]+[KMG]?", Pattern.CASE_INSENSITIVE),
                BOOL = Pattern.compile("yes|true|1|no|false|0", Pattern.CASE_INSENSITIVE);
        static final Map<String, Pattern> STRING = Map.of(
                "bytecode-mode", Pattern.compile("^(Auto|ForceJIT|ForceInterpreter|Test)$", Pattern.CASE_INSENSITIVE),
                "statistics", Pattern.compile("^(none|None|bytecode|Bytecode|pcre|PCRE)$", Pattern.CASE_INSENSITIVE));
        /** Matches nothing: an --exclude/--include expression that does not compile. */
        static final Pattern NEVER = Pattern.compile("(?!)");
    }

    /**
     * Checks a value as clamscan's option parser does before it takes it (clamscan 1.4.6 optparser.c): a number, a
     * size or a boolean must match its pattern ("ERROR: Incorrect argument format for option --X", with "(-x)" for
     * an option that has a letter), a string must not be empty. Runs for every occurrence, even one that is then
     * ignored as a repeat.
     */
    private static void checkValue(String name, String v) throws UsageException {
        if (OWN.contains(name) || v == null) return;        // a bare flag: nothing to check
        boolean string = !NUMBER.contains(name) && !SIZE.contains(name) && !STRING_FORMAT.contains(name) && VALUED.contains(name);
        // (startup12) the option's name as messages spell it is built only for a message: its string concatenations
        // (invokedynamic, run through method handles by the interpreter) cost every `-d X` ~0.1 ms of start-up
        if (string) {
            if (v.isEmpty()) throw UsageException.value("ERROR: Option " + spelled(name) + " requires a non-empty string argument");
            return;
        }
        Pattern format = NUMBER.contains(name) ? Formats.NUMBER : SIZE.contains(name) ? Formats.SIZE
                : STRING_FORMAT.contains(name) ? Formats.STRING.get(name) : Formats.BOOL;
        if (!format.matcher(v).matches()) {
            throw UsageException.value("ERROR: Incorrect argument format for option " + spelled(name));
        }
    }

    /** "--name (-x)" or "--name", as clamscan names an option in its messages. */
    private static String spelled(String name) {
        return "--" + name + letterOf(name);
    }

    /** " (-x)" for an option that has a letter, as clamscan names it in its messages; else "". */
    private static String letterOf(String name) {
        for (Map.Entry<Character, String> e : SHORT.entrySet()) if (e.getValue().equals(name)) return " (-" + e.getKey() + ")";
        return "";
    }

    /** Options that may be given more than once (clamscan's FLAG_MULTIPLE); of any other only the first counts. */
    private static final Set<String> REPEATABLE = Set.of("database", "exclude", "exclude-dir", "include", "include-dir",
            "statistics", "exclude-pua", "include-pua");
    /** Single-valued options already given: clamscan's parser ignores them when they come again. */
    private final Set<String> given = new java.util.HashSet<>();
    private static final Map<Character, String> SHORT = Map.ofEntries(Map.entry('d', "database"), Map.entry('r', "recursive"),
            Map.entry('i', "infected"), Map.entry('o', "suppress-ok-results"), Map.entry('l', "log"), Map.entry('v', "verbose"),
            Map.entry('a', "archive-verbose"), Map.entry('z', "allmatch"), Map.entry('f', "file-list"), Map.entry('h', "help"),
            Map.entry('V', "version"), Map.entry('t', "bytecode-trust-all"));
    /**
     * clamscan 1.4.6's deprecated options (OPT_DEPRECATED): accepted, ignored, each occurrence warned about on
     * standard error as it is read. The value is the option's letter, or 0 when it has none.
     */
    private static final Map<String, Character> DEPRECATED = Map.ofEntries(Map.entry("bytecode-trust-all", 't'),
            Map.entry("force", '\0'), Map.entry("disable-summary", '\0'), Map.entry("disable-archive", '\0'),
            Map.entry("no-archive", '\0'), Map.entry("no-pe", '\0'), Map.entry("no-elf", '\0'), Map.entry("no-ole2", '\0'),
            Map.entry("no-pdf", '\0'), Map.entry("no-html", '\0'), Map.entry("no-mail", '\0'), Map.entry("no-phishing-sigs", '\0'),
            Map.entry("no-phishing-scan-urls", '\0'), Map.entry("no-algorithmic", '\0'),
            Map.entry("no-phishing-restrictedscan", '\0'), Map.entry("max-ratio", '\0'), Map.entry("max-space", '\0'),
            Map.entry("unzip", '\0'), Map.entry("unrar", '\0'), Map.entry("arj", '\0'), Map.entry("unzoo", '\0'),
            Map.entry("lha", '\0'), Map.entry("jar", '\0'), Map.entry("tar", '\0'), Map.entry("tgz", '\0'), Map.entry("deb", '\0'),
            Map.entry("timelimit", '\0'), Map.entry("detect-broken", '\0'), Map.entry("mail-follow-urls", '\0'));
    /**
     * Every long option clamscan 1.4.6 knows (its getopt_long table), for abbreviations: getopt takes an unambiguous
     * prefix of a long option for the option (--no-summ, --datab=X, --recur), and refuses a prefix that several
     * options share (--max, --unz: "option `--max' is ambiguous"). The list was read from clamscan 1.4.6 by asking
     * it about every prefix of every name (ClamscanAbbreviationTest checks the table against it when installed).
     */
    static final String[] CLAMSCAN_LONG = {
            "alert-broken", "alert-broken-media", "alert-encrypted", "alert-encrypted-archive", "alert-encrypted-doc",
            "alert-exceeds-max", "alert-macros", "alert-partition-intersection", "alert-phishing-cloak",
            "alert-phishing-ssl", "algorithmic-detection", "allmatch", "archive-verbose", "arj", "bell",
            "block-encrypted", "block-macros", "block-max", "bytecode", "bytecode-mode", "bytecode-timeout",
            "bytecode-trust-all", "bytecode-unsigned", "cache-size", "copy", "cross-fs", "database", "deb", "debug",
            "detect-broken", "detect-pua", "detect-structured", "dev-ac-depth", "dev-ac-only", "dev-performance",
            "disable-archive", "disable-cache", "disable-summary", "dumpcerts", "exclude", "exclude-dir",
            "exclude-pua", "fail-if-cvd-older-than", "file-list", "follow-dir-symlinks", "follow-file-symlinks",
            "force", "force-to-disk", "gen-json", "gen-mdb", "help", "heuristic-alerts", "heuristic-scan-precedence",
            "include", "include-dir", "include-pua", "infected", "jar", "leave-temps", "lha", "log",
            "mail-follow-urls", "max-dir-recursion", "max-embeddedpe", "max-files", "max-filesize",
            "max-htmlnormalize", "max-htmlnotags", "max-iconspe", "max-partitions", "max-ratio", "max-rechwp3",
            "max-recursion", "max-scansize", "max-scantime", "max-scriptnormalize", "max-space", "max-ziptypercg",
            "move", "no-algorithmic", "no-archive", "no-elf", "no-html", "no-mail", "no-ole2", "no-pdf", "no-pe",
            "no-phishing-restrictedscan", "no-phishing-scan-urls", "no-phishing-sigs", "no-summary", "nocerts",
            "normalize", "official-db-only", "partition-intersection", "pcre-match-limit", "pcre-max-filesize",
            "pcre-recmatch-limit", "phishing-cloak", "phishing-scan-urls", "phishing-sigs", "phishing-ssl", "quiet",
            "recursive", "remove", "scan-archive", "scan-elf", "scan-html", "scan-hwp3", "scan-image",
            "scan-image-fuzzy-hash", "scan-mail", "scan-ole2", "scan-onenote", "scan-pdf", "scan-pe", "scan-swf",
            "scan-xmldocs", "statistics", "stdout", "structured-cc-count", "structured-cc-mode",
            "structured-ssn-count", "structured-ssn-format", "suppress-ok-results", "tar", "tempdir", "tgz",
            "timelimit", "unrar", "unzip", "unzoo", "verbose", "version", "yara-rules"};

    /**
     * The long option {@code name} stands for: itself when it is a name of clamscan's or one of ours, else the one
     * clamscan option it is a prefix of, or itself (then reported unknown) when it is the prefix of none.
     */
    static String longName(String name) throws UsageException {
        if (name.isEmpty() || java.util.Arrays.binarySearch(CLAMSCAN_LONG, name) >= 0 || VALUED.contains(name)
                || IGNORED_FLAGS.contains(name) || DEPRECATED.containsKey(name)) {
            return name;
        }
        int at = -java.util.Arrays.binarySearch(CLAMSCAN_LONG, name) - 1;
        if (at >= CLAMSCAN_LONG.length || !CLAMSCAN_LONG[at].startsWith(name)) return name; // ours, or unknown
        if (at + 1 < CLAMSCAN_LONG.length && CLAMSCAN_LONG[at + 1].startsWith(name)) {
            throw new UsageException("option '--" + name + "' is ambiguous");
        }
        return CLAMSCAN_LONG[at];
    }

    /** Deprecated-option warnings, in command-line order (printed even when a later option is refused). */
    final List<String> warnings = new ArrayList<>();
    /** -V/--version: print the version line and exit 0 (after every option has been read, before -h). */
    boolean version;

    static ClamscanOptions parse(String[] args) throws UsageException {
        return parse(args, new ClamscanOptions());
    }

    /** Parses into {@code o}: its {@link #warnings} are there to print even when parsing fails. */
    static ClamscanOptions parse(String[] args, ClamscanOptions o) throws UsageException {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-") || !a.startsWith("-") || a.length() == 1) {
                o.targets.add(a);
                continue;
            }
            if (a.equals("--")) {
                for (i++; i < args.length; i++) o.targets.add(args[i]);
                break;
            }
            if (!a.startsWith("--")) {
                i = o.shortOptions(args, i);
                continue;
            }
            int eq = a.indexOf('=');
            String name = longName(eq < 0 ? a.substring(2) : a.substring(2, eq)), value = eq < 0 ? null : a.substring(eq + 1);
            if (VALUED.contains(name) && value == null) {
                if (i + 1 >= args.length) throw UsageException.missing("option '--" + name + "' requires an argument");
                value = args[++i];
            }
            o.apply(name, value);
        }
        if (o.version) return o; // clamscan prints the version before it looks at anything else (even -h)
        if (o.help) throw new UsageException("help"); // after every option, as clamscan: `-h --bogus` is an error
        if (o.oldAlerts != null) for (ScanOptions.Alert a : o.oldAlerts) o.scan = o.scan.withAlert(a, true);
        if (o.algorithmicOff) o.scan = o.scan.withHeuristicAlerts(false);
        o.scan = o.scan.withLimits(o.limits).withChildDigests(o.json || o.archiveVerbose);
        // (cli15) the summary's "Data scanned" counts as libclamav does (ScanResult.blocks), also the text views the
        // database cannot match and the scan skips; not with --no-summary
        if (!o.noSummary) o.scan = o.scan.withCountBlocks(true);
        if (o.detectStructured) o.structured();
        if (o.load.detectPua() && !o.puaConflict()) o.load = o.load.withExcludePua(o.excludePua).withIncludePua(o.includePua);
        return o;
    }

    /**
     * clamscan's old names for alerts (--block-max, --phishing-ssl, …): each, when enabled, turns its alert on
     * whatever the new name says (clamscan ORs them), so they are applied after every option has been read.
     */
    /** Alerts the old option names switch on; null until one does (an EnumSet's first use costs ~0.8 ms of reflection at start). */
    private java.util.EnumSet<ScanOptions.Alert> oldAlerts;
    /** --algorithmic-detection=no: clamscan ANDs it with --heuristic-alerts. */
    private boolean algorithmicOff;

    /** Set by -h/--help: the help is printed once every option has been read. */
    private boolean help;
    /**
     * One argument of single-letter options, read as clamscan's getopt reads it: flags may be bundled (-ri, -vr),
     * and the first letter that takes a value (d, f, l) takes the rest of the argument (-dFILE, -rdFILE) or, when
     * nothing is left, the next argument whatever it looks like (-rd FILE, -d -r). A letter after it belongs to
     * the value (-dr X loads a database named "r" and scans X, as in clamscan). Returns the index of the last
     * argument read: {@code i}, or {@code i + 1} when the value was the next argument.
     */
    private int shortOptions(String[] args, int i) throws UsageException {
        String a = args[i];
        for (int k = 1; k < a.length(); k++) {
            char c = a.charAt(k);
            String name = SHORT.get(c);
            if (name == null) throw new UsageException("invalid option -- '" + c + "'");
            if (!VALUED.contains(name)) {
                apply(name, null);
                continue;
            }
            if (k + 1 < a.length()) {
                apply(name, a.substring(k + 1));
                return i;
            }
            if (i + 1 >= args.length) throw UsageException.missing("option requires an argument -- '" + c + "'");
            apply(name, args[i + 1]);
            return i + 1;
        }
        return i;
    }

    private void oldAlert(boolean on, ScanOptions.Alert... alerts) {
        if (!on) return;
        if (oldAlerts == null) oldAlerts = java.util.EnumSet.noneOf(ScanOptions.Alert.class);
        oldAlerts.addAll(java.util.List.of(alerts));
    }

    /** The DLP settings as clamscan sets them: SSN format 0 normal (default), 1 stripped, 2 both. */
    private void structured() {
        DlpOptions d = DlpOptions.defaults().withCreditCardsOnly(structuredCcOnly);
        // clamscan's parser marks a number option "enabled" only when it is neither 0 nor -1
        int f = structuredSsnFormat == null ? 0 : structuredSsnFormat;
        if (f != 0 && f != -1) {
            switch (f) {
                case 1 -> d = d.withSsnFormats(false, true);
                case 2 -> d = d.withSsnFormats(true, true);
                default -> structuredError = "Invalid argument for --structured-ssn-format";
            }
        }
        // the counts are taken whenever given, into libclamav's unsigned 32-bit thresholds
        if (structuredSsnCount != null) d = d.withMinSsn(structuredSsnCount & 0xFFFF_FFFFL);
        if (structuredCcCount != null) d = d.withMinCreditCards(structuredCcCount & 0xFFFF_FFFFL);
        scan = scan.withStructured(d);
    }

    /** A clamscan number option: decimal digits only, read like C's atoi (strtol cut to an int). */
    private static int number(String name, String v) throws UsageException {
        if (!v.matches("[0-9]+")) throw new UsageException("Incorrect argument format for option --" + name);
        long l;
        try {
            l = Long.parseLong(v);
        } catch (NumberFormatException e) {
            l = Long.MAX_VALUE; // strtol saturates
        }
        return (int) l;
    }

    /** clamscan refuses both lists together, but only when --detect-pua is on (otherwise both are ignored). */
    boolean puaConflict() {
        return load.detectPua() && !excludePua.isEmpty() && !includePua.isEmpty();
    }

    private static boolean yes(String name, String v) throws UsageException {
        if (v == null) return true;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1" -> true;
            case "no", "false", "0" -> false;
            default -> throw new UsageException("invalid value '" + v + "' for --" + name);
        };
    }

    static long size(String name, String v) throws UsageException {
        try {
            String s = v.trim().toUpperCase(Locale.ROOT);
            long mul = 1;
            if (s.endsWith("K")) { mul = 1024; s = s.substring(0, s.length() - 1); }
            else if (s.endsWith("M")) { mul = 1024 * 1024; s = s.substring(0, s.length() - 1); }
            else if (s.endsWith("G")) { mul = 1024L * 1024 * 1024; s = s.substring(0, s.length() - 1); }
            long n = Long.parseLong(s);
            if (n < 0) throw new NumberFormatException();
            return Math.multiplyExact(n, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("invalid value '" + v + "' for --" + name);
        }
    }

    private static int count(String name, String v) throws UsageException {
        long n = size(name, v);
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private static String nonEmpty(String name, String v) throws UsageException {
        if (v.isEmpty()) throw new UsageException("Option --" + name + " requires a non-empty string argument");
        return v;
    }

    private static Pattern regex(String name, String v) throws UsageException {
        try {
            return Pattern.compile(v);
        } catch (java.util.regex.PatternSyntaxException e) {
            // clamscan compiles the expression only when it matches a path, and one that does not compile matches
            // nothing: the scan goes on as if the option were not given (no message)
            return Formats.NEVER;
        }
    }

    private void apply(String name, String v) throws UsageException {
        Character letter = DEPRECATED.get(name);
        if (letter != null) { // every time it is given, as clamscan's parser does
            warnings.add("WARNING: Ignoring deprecated option --" + name + (letter == 0 ? "" : " (-" + letter + ")"));
            return;
        }
        if (VALUED.contains(name) || BOOLEAN.contains(name)) checkValue(name, v);
        if (!REPEATABLE.contains(name) && !name.equals("help") && !given.add(name)) return;
        switch (name) {
            case "help" -> help = true;
            case "version" -> version = yes(name, v);
            case "database" -> databases.add(dev.bulwark.engine.RawNames.path(v)); // (a name not valid in the locale: its bytes)
            case "recursive" -> recursive = yes(name, v);
            case "cross-fs" -> crossFs = yes(name, v);
            case "infected" -> infectedOnly = yes(name, v);
            case "suppress-ok-results" -> suppressOk = yes(name, v);
            case "no-summary" -> noSummary = yes(name, v);
            case "quiet" -> quiet = yes(name, v);
            case "stdout" -> toStdout = yes(name, v);
            case "verbose" -> verbose = yes(name, v);
            case "debug" -> debug = yes(name, v);
            case "bell" -> bell = yes(name, v);
            case "archive-verbose" -> archiveVerbose = yes(name, v);
            case "disable-cache" -> disableCache = yes(name, v);
            case "json" -> json = yes(name, v);
            case "progress" -> progress = yes(name, v);
            case "log" -> log = v;
            case "move" -> move = v;
            case "copy" -> copy = v;
            case "remove" -> remove = yes(name, v);
            case "file-list" -> fileList = v;
            case "exclude" -> exclude.add(regex(name, v));
            case "exclude-dir" -> excludeDir.add(regex(name, v));
            case "include" -> include.add(regex(name, v));
            case "include-dir" -> includeDir.add(regex(name, v));
            case "threads" -> threads = Math.max(1, count(name, v));
            case "follow-dir-symlinks" -> followDirSymlinks = count(name, v);
            case "follow-file-symlinks" -> followFileSymlinks = count(name, v);
            case "max-dir-recursion" -> maxDirRecursion = count(name, v);
            case "allmatch" -> scan = scan.withAllMatch(yes(name, v));
            case "heuristic-alerts" -> scan = scan.withHeuristicAlerts(yes(name, v));
            case "heuristic-scan-precedence" -> scan = scan.withHeuristicPrecedence(yes(name, v));
            case "phishing-scan-urls" -> scan = scan.withPhishingUrls(yes(name, v));
            case "alert-exceeds-max" -> scan = scan.withAlert(ScanOptions.Alert.EXCEEDS_MAX, yes(name, v));
            case "alert-encrypted" -> scan = scan.withAlert(ScanOptions.Alert.ENCRYPTED_ARCHIVE, yes(name, v))
                    .withAlert(ScanOptions.Alert.ENCRYPTED_DOC, yes(name, v));
            case "alert-encrypted-archive" -> scan = scan.withAlert(ScanOptions.Alert.ENCRYPTED_ARCHIVE, yes(name, v));
            case "alert-encrypted-doc" -> scan = scan.withAlert(ScanOptions.Alert.ENCRYPTED_DOC, yes(name, v));
            case "alert-macros" -> scan = scan.withAlert(ScanOptions.Alert.MACROS, yes(name, v));
            case "alert-broken" -> scan = scan.withAlert(ScanOptions.Alert.BROKEN, yes(name, v));
            case "alert-phishing-ssl" -> scan = scan.withAlert(ScanOptions.Alert.PHISHING_SSL, yes(name, v));
            case "alert-phishing-cloak" -> scan = scan.withAlert(ScanOptions.Alert.PHISHING_CLOAK, yes(name, v));
            case "scan-archive" -> scan = scan.withParser(ScanOptions.Parser.ARCHIVE, yes(name, v));
            case "scan-mail" -> scan = scan.withParser(ScanOptions.Parser.MAIL, yes(name, v));
            case "scan-ole2" -> scan = scan.withParser(ScanOptions.Parser.OLE2, yes(name, v));
            case "scan-pdf" -> scan = scan.withParser(ScanOptions.Parser.PDF, yes(name, v));
            case "scan-html" -> scan = scan.withParser(ScanOptions.Parser.HTML, yes(name, v));
            case "scan-pe" -> scan = scan.withParser(ScanOptions.Parser.PE, yes(name, v));
            case "scan-elf" -> scan = scan.withParser(ScanOptions.Parser.ELF, yes(name, v));
            case "normalize" -> scan = scan.withParser(ScanOptions.Parser.NORMALIZE, yes(name, v));
            case "algorithmic-detection" -> algorithmicOff = !yes(name, v);
            case "block-max" -> oldAlert(yes(name, v), ScanOptions.Alert.EXCEEDS_MAX);
            case "block-encrypted" -> oldAlert(yes(name, v), ScanOptions.Alert.ENCRYPTED_ARCHIVE, ScanOptions.Alert.ENCRYPTED_DOC);
            case "block-macros" -> oldAlert(yes(name, v), ScanOptions.Alert.MACROS);
            case "phishing-ssl" -> oldAlert(yes(name, v), ScanOptions.Alert.PHISHING_SSL);
            case "phishing-cloak" -> oldAlert(yes(name, v), ScanOptions.Alert.PHISHING_CLOAK);
            case "detect-pua" -> load = load.withDetectPua(yes(name, v));
            case "detect-structured" -> detectStructured = yes(name, v);
            case "structured-ssn-format" -> structuredSsnFormat = number(name, v);
            case "structured-ssn-count" -> structuredSsnCount = number(name, v);
            case "structured-cc-count" -> structuredCcCount = number(name, v);
            case "structured-cc-mode" -> structuredCcOnly = yes(name, v);
            case "exclude-pua" -> excludePua.add(nonEmpty(name, v));
            case "include-pua" -> includePua.add(nonEmpty(name, v));
            case "official-db-only" -> load = load.withOfficialOnly(yes(name, v));
            case "yara-rules" -> load = load.withYara(switch (v.toLowerCase(Locale.ROOT)) {
                case "yes" -> LoadOptions.Yara.YES;
                case "no" -> LoadOptions.Yara.NO;
                case "only" -> LoadOptions.Yara.ONLY;
                default -> throw new UsageException("invalid value '" + v + "' for --yara-rules");
            });
            case "max-filesize" -> limits = limits.withMaxFileSize(size(name, v));
            case "max-scansize" -> limits = limits.withMaxScanSize(size(name, v));
            case "max-files" -> limits = limits.withMaxFiles(count(name, v));
            case "max-recursion" -> {
                // libclamav refuses 0 here ("not allowed", a warning) and keeps its default, 17: not "unlimited"
                int n = count(name, v);
                maxRecursionZero = n == 0;
                limits = limits.withMaxRecursion(n == 0 ? dev.bulwark.engine.Limits.DEFAULTS.maxRecursion() : n);
            }
            case "max-scantime" -> limits = limits.withMaxScanTimeMillis(size(name, v));
            case "max-embeddedpe" -> limits = limits.withMaxEmbeddedPe(size(name, v));
            case "max-htmlnormalize" -> limits = limits.withMaxHtmlNormalize(size(name, v));
            case "max-scriptnormalize" -> limits = limits.withMaxScriptNormalize(size(name, v));
            case "max-ziptypercg" -> limits = limits.withMaxZipTypeRcg(size(name, v));
            case "pcre-match-limit" -> limits = limits.withPcreMatchLimit(size(name, v));
            case "pcre-max-filesize" -> limits = limits.withPcreMaxFileSize(size(name, v));
            case "tempdir" -> tempdir = v;
            case "max-htmlnotags", "max-partitions", "max-iconspe", "max-rechwp3", "pcre-recmatch-limit", "cache-size",
                 "fail-if-cvd-older-than", "bytecode-timeout", "bytecode-mode", "statistics", "dev-ac-depth" -> { }
            default -> {
                if (!IGNORED_FLAGS.contains(name)) throw new UsageException("unrecognized option '--" + name + "'");
            }
        }
    }
}
