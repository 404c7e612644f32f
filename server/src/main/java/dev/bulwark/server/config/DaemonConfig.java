package dev.bulwark.server.config;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanOptions.Alert;
import dev.bulwark.engine.ScanOptions.Parser;
import dev.bulwark.engine.heuristics.dlp.DlpOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Everything the daemon needs, read from a {@code clamd.conf} (clamd's names and defaults) plus Bulwark's
 * own {@code Bulwark*} keys. Immutable. Options Bulwark does not implement are listed in {@link #notices()}
 * so the daemon can report each once at start-up; unknown names are errors, as in clamd.
 */
public record DaemonConfig(
        int tcpPort, List<String> tcpAddrs, Path localSocket, int localSocketMode, boolean fixStaleSocket,
        long streamMaxLength, int maxThreads, int maxQueue, int maxConnectionQueueLength,
        int readTimeoutSec, int commandReadTimeoutSec, int idleTimeoutSec, int sendBufTimeoutMs,
        Path databaseDirectory, Path pidFile, Path logFile, boolean logVerbose, boolean logClean, boolean foreground,
        Path temporaryDirectory, List<Pattern> excludePaths, int maxDirectoryRecursion,
        boolean followDirectorySymlinks, boolean followFileSymlinks, boolean crossFilesystems, boolean allowAllMatchScan,
        boolean detectPua, boolean officialOnly, int selfCheckSec, ScanOptions scanOptions,
        int icapPort, String icapAddr, String icapService, int restPort, String restAddr, String restToken,
        Path restKeystore, String restKeystorePassword, List<Path> scanRoots, String versionString, int cacheSize, String virusEvent, LoadOptions loadOptions,
        String user, String localSocketGroup, boolean concurrentDatabaseReload, List<String> notices) {

    private static final long MiB = 1024L * 1024;
    /** Clean-file cache bound: about 150 bytes of heap per entry, so at most ~600 MB. */
    private static final int MAX_CACHE = 4_000_000;
    /** Version string clamd clients parse ("ClamAV x.y.z[/db/date]"): the protocol level we emulate. */
    public static final String DEFAULT_VERSION = "ClamAV 1.4.6";
    private static final Path DEFAULT_DB = Path.of("/var/lib/clamav");

    public DaemonConfig {
        tcpAddrs = List.copyOf(tcpAddrs);
        excludePaths = List.copyOf(excludePaths);
        scanRoots = List.copyOf(scanRoots);
        notices = List.copyOf(notices);
    }

    /** Defaults as clamd 1.4 (no socket configured). Ports: -1 disabled, 0 ephemeral (tests). */
    public static DaemonConfig defaults() {
        return from(ConfFile.parse("<defaults>", ""));
    }

    /** Whether the daemon will give up root for {@code User} (set, and running as root). */
    public boolean dropsRoot() {
        return user != null && dev.bulwark.server.Privileges.effectiveUid() == 0;
    }

    public boolean hasClamdSocket() { return tcpPort >= 0 || localSocket != null; }

    /** Interprets a parsed file. Unknown names and bad values throw {@link ConfFile.ConfigError}. */
    public static DaemonConfig from(ConfFile f) {
        return from(f, new java.util.HashSet<>());
    }

    /** As {@link #from(ConfFile)}; every option name this mapping looks up is added to {@code read} (tests). */
    static DaemonConfig from(ConfFile f, java.util.Set<String> read) {
        List<String> notices = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (var e : f.entries().entrySet()) {
            OptionTable.Option o = OptionTable.get(e.getKey());
            ConfFile.Entry first = e.getValue().get(0);
            if (o == null) throw new ConfFile.ConfigError(f.source(), first.line(), "unknown option " + e.getKey());
            for (ConfFile.Entry en : e.getValue()) checkType(f, o, en);
            // the first occurrence is the one that counts
            boolean off = o.type() == OptionTable.Type.BOOL
                    && Boolean.valueOf(OptionTable.defaultsToYes(o.name())).equals(parseBool(first.value()));
            if (o.support() == OptionTable.Support.ACCEPTED) {
                accepted.add(o.name());
            } else if (o.support() == OptionTable.Support.UNSUPPORTED && !off) {
                notices.add(f.source() + ":" + first.line() + ": option " + o.name() + " is not supported by Bulwark and is ignored");
            }
        }
        if (!accepted.isEmpty()) {
            notices.add(f.source() + ": options accepted without effect in Bulwark: " + String.join(", ", accepted));
        }
        Reader r = new Reader(f, read);
        Limits limits = Limits.DEFAULTS
                .withMaxScanSize(r.size("MaxScanSize", 400 * MiB))
                .withMaxFileSize(r.size("MaxFileSize", 100 * MiB))
                .withMaxRecursion(intIn(r, "MaxRecursion", 17, 0, Integer.MAX_VALUE))
                .withMaxFiles(intIn(r, "MaxFiles", 10_000, 0, Integer.MAX_VALUE))
                .withMaxScanTimeMillis(r.num("MaxScanTime", 120_000))
                .withMaxEmbeddedPe(r.size("MaxEmbeddedPE", 40 * MiB))
                .withMaxHtmlNormalize(r.size("MaxHTMLNormalize", 40 * MiB))
                .withMaxScriptNormalize(r.size("MaxScriptNormalize", 20 * MiB))
                .withMaxZipTypeRcg(r.size("MaxZipTypeRcg", MiB))
                .withPcreMatchLimit(r.num("PCREMatchLimit", 100_000))
                .withPcreMaxFileSize(r.size("PCREMaxFileSize", 100 * MiB));
        ScanOptions so = ScanOptions.defaults().withLimits(limits)
                .withHeuristicAlerts(r.bool("HeuristicAlerts", true) && r.bool("AlgorithmicDetection", true))
                .withHeuristicPrecedence(r.bool("HeuristicScanPrecedence", false))
                .withPhishingUrls(r.bool("PhishingScanURLs", true))
                .withAlert(Alert.EXCEEDS_MAX, r.bool("AlertExceedsMax", false) || r.bool("BlockMax", false))
                .withAlert(Alert.BROKEN, r.bool("AlertBrokenExecutables", false) || r.bool("DetectBrokenExecutables", false))
                .withAlert(Alert.BROKEN_MEDIA, r.bool("AlertBrokenMedia", false))
                .withAlert(Alert.ENCRYPTED_ARCHIVE, r.bool("AlertEncrypted", false) || r.bool("AlertEncryptedArchive", false)
                        || r.bool("ArchiveBlockEncrypted", false))
                .withAlert(Alert.ENCRYPTED_DOC, r.bool("AlertEncrypted", false) || r.bool("AlertEncryptedDoc", false))
                .withAlert(Alert.MACROS, r.bool("AlertOLE2Macros", false) || r.bool("OLE2BlockMacros", false))
                .withAlert(Alert.PHISHING_SSL, r.bool("AlertPhishingSSLMismatch", false) || r.bool("PhishingAlwaysBlockSSLMismatch", false))
                .withAlert(Alert.PHISHING_CLOAK, r.bool("AlertPhishingCloak", false) || r.bool("PhishingAlwaysBlockCloak", false))
                .withAlert(Alert.PARTITION_INTERSECTION, r.bool("AlertPartitionIntersection", false) || r.bool("PartitionIntersection", false));
        String[][] parsers = {{"ScanPE", "PE"}, {"ScanELF", "ELF"}, {"ScanMail", "MAIL"}, {"ScanHTML", "HTML"},
                {"ScanOLE2", "OLE2"}, {"ScanPDF", "PDF"}, {"ScanSWF", "SWF"}, {"ScanXMLDOCS", "XMLDOCS"},
                {"ScanHWP3", "HWP3"}, {"ScanOneNote", "ONENOTE"}, {"ScanArchive", "ARCHIVE"}, {"ScanImage", "IMAGE"}};
        for (String[] p : parsers) so = so.withParser(Parser.valueOf(p[1]), r.bool(p[0], true));
        if (r.bool("StructuredDataDetection", false)) so = so.withStructured(structured(r));

        List<Pattern> excludes = new ArrayList<>();
        for (ConfFile.Entry e : r.all("ExcludePath")) {
            try {
                excludes.add(Pattern.compile(e.value()));
            } catch (PatternSyntaxException ex) {
                throw new ConfFile.ConfigError(f.source(), e.line(), "ExcludePath: bad regular expression: " + ex.getDescription());
            }
        }
        List<Path> roots = new ArrayList<>();
        for (ConfFile.Entry e : r.all("BulwarkScanRoot")) {
            Path p = Path.of(e.value());
            if (!p.isAbsolute()) throw new ConfFile.ConfigError(f.source(), e.line(), "BulwarkScanRoot must be an absolute path");
            roots.add(p.normalize());
        }
        List<String> addrs = new ArrayList<>();
        for (ConfFile.Entry e : r.all("TCPAddr")) addrs.add(e.value());
        if (addrs.isEmpty()) addrs.add("127.0.0.1"); // safe by default: clamd binds all interfaces, we bind loopback
        String mode = r.str("LocalSocketMode", null);
        int sockMode = -1;
        if (mode != null) {
            if (!mode.matches("[0-7]{3,4}")) throw r.error("LocalSocketMode", "expected an octal mode such as 660");
            sockMode = Integer.parseInt(mode, 8);
        }
        int tcp = intIn(r, "TCPSocket", -1, -1, 65535);
        LoadOptions load = loadOptions(f, r);
        String db = r.str("DatabaseDirectory", null);
        String tmp = r.str("TemporaryDirectory", System.getProperty("java.io.tmpdir"));
        return new DaemonConfig(tcp, addrs, path(r.str("LocalSocket", null)), sockMode, r.bool("FixStaleSocket", true),
                r.size("StreamMaxLength", 100 * MiB), positive(r, "MaxThreads", 10), positive(r, "MaxQueue", 100),
                positive(r, "MaxConnectionQueueLength", 200),
                intIn(r, "ReadTimeout", 120, 0, 1_000_000), intIn(r, "CommandReadTimeout", 30, 0, 1_000_000), intIn(r, "IdleTimeout", 30, 0, 1_000_000),
                intIn(r, "SendBufTimeout", 500, 0, 1_000_000),
                db == null ? DEFAULT_DB : Path.of(db), path(r.str("PidFile", null)), path(r.str("LogFile", null)),
                r.bool("LogVerbose", false), r.bool("LogClean", false), r.bool("Foreground", false),
                Path.of(tmp), excludes, intIn(r, "MaxDirectoryRecursion", 15, 0, 1_000_000),
                r.bool("FollowDirectorySymlinks", false), r.bool("FollowFileSymlinks", false), r.bool("CrossFilesystems", true),
                r.bool("AllowAllMatchScan", true), r.bool("DetectPUA", false), r.bool("OfficialDatabaseOnly", false),
                intIn(r, "SelfCheck", 600, 0, 1_000_000), so,
                intIn(r, "BulwarkIcapPort", -1, -1, 65535), r.str("BulwarkIcapAddr", "127.0.0.1"), r.str("BulwarkIcapService", "avscan"),
                intIn(r, "BulwarkRestPort", -1, -1, 65535), r.str("BulwarkRestAddr", "127.0.0.1"), r.str("BulwarkRestToken", null),
                path(r.str("BulwarkRestKeystore", null)), r.str("BulwarkRestKeystorePassword", ""),
                roots.isEmpty() ? List.of(Path.of("/")) : roots, r.str("BulwarkVersionString", DEFAULT_VERSION),
                r.bool("DisableCache", false) ? 0 : intIn(r, "BulwarkCacheSize", dev.bulwark.server.CleanCache.DEFAULT_SIZE, 0, MAX_CACHE),
                r.str("VirusEvent", null), load, r.str("User", null), r.str("LocalSocketGroup", null),
                r.bool("ConcurrentDatabaseReload", true), notices);
    }

    /**
     * The DLP settings as clamd reads them: a count option takes effect only when its value, read as a C
     * int, is neither 0 nor -1 (clamd's parser leaves such a number option disabled), and is then kept in
     * libclamav's unsigned 32-bit threshold.
     */
    private static DlpOptions structured(Reader r) {
        DlpOptions d = DlpOptions.defaults()
                .withSsnFormats(r.bool("StructuredSSNFormatNormal", true), r.bool("StructuredSSNFormatStripped", false))
                .withCreditCardsOnly(r.bool("StructuredCCOnly", false));
        for (String name : new String[] {"StructuredMinCreditCardCount", "StructuredMinSSNCount"}) {
            long v = r.num(name, 0);
            if (v < 0) throw r.error(name, "must not be negative");
            int c = (int) v;
            if (c == 0 || c == -1) continue;
            d = name.equals("StructuredMinSSNCount") ? d.withMinSsn(c & 0xFFFF_FFFFL) : d.withMinCreditCards(c & 0xFFFF_FFFFL);
        }
        return d;
    }

    /** DetectPUA with ExcludePUA/IncludePUA (the categories count only with DetectPUA, as in clamd), OfficialDatabaseOnly. */
    private static LoadOptions loadOptions(ConfFile f, Reader r) {
        LoadOptions load = LoadOptions.defaults().withDetectPua(r.bool("DetectPUA", false))
                .withOfficialOnly(r.bool("OfficialDatabaseOnly", false));
        if (!load.detectPua()) return load;
        List<String> ex = values(r, "ExcludePUA"), in = values(r, "IncludePUA");
        if (!ex.isEmpty() && !in.isEmpty()) {
            throw r.error("IncludePUA", "ExcludePUA and IncludePUA cannot be used at the same time");
        }
        return load.withExcludePua(ex).withIncludePua(in);
    }

    private static List<String> values(Reader r, String name) {
        List<String> out = new ArrayList<>();
        for (ConfFile.Entry e : r.all(name)) out.add(e.value());
        return out;
    }

    private static int intIn(Reader r, String name, int def, int min, int max) {
        long v = r.num(name, def);
        if (v < min || v > max) throw r.error(name, "must be between " + min + " and " + max);
        return (int) v;
    }

    private static int positive(Reader r, String name, int def) {
        long v = r.num(name, def);
        if (v < 1 || v > 1_000_000) throw r.error(name, "must be between 1 and 1000000");
        return (int) v;
    }

    private static Path path(String s) {
        return s == null ? null : Path.of(s);
    }

    private static void checkType(ConfFile f, OptionTable.Option o, ConfFile.Entry e) {
        String v = e.value();
        boolean ok = switch (o.type()) {
            case BOOL -> parseBool(v) != null;
            case NUMBER -> v.matches("-?[0-9]{1,18}");
            case SIZE -> parseSize(v) >= 0;
            case STRING -> !v.isEmpty();
        };
        if (!ok) {
            throw new ConfFile.ConfigError(f.source(), e.line(), "option " + o.name() + ": invalid "
                    + o.type().name().toLowerCase(Locale.ROOT) + " value '" + v + "'");
        }
    }

    static Boolean parseBool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1" -> Boolean.TRUE;
            case "no", "false", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** clamd sizes: a decimal number with an optional K/M/G suffix (powers of 1024); -1 if invalid. */
    static long parseSize(String v) {
        if (!v.matches("[0-9]{1,15}[kKmMgG]?")) return -1;
        char last = v.charAt(v.length() - 1);
        long mul = switch (Character.toUpperCase(last)) {
            case 'K' -> 1024L;
            case 'M' -> MiB;
            case 'G' -> 1024 * MiB;
            default -> 1L;
        };
        String digits = mul == 1 ? v : v.substring(0, v.length() - 1);
        return Long.parseLong(digits) * mul;
    }

    /**
     * Reads typed values; the first occurrence of a non-repeatable option wins, as in clamd (its option
     * parser ignores an option already set; command-line values come first, see {@link ConfFile#with}).
     */
    private record Reader(ConfFile f, java.util.Set<String> read) {
        List<ConfFile.Entry> all(String name) {
            read.add(name);
            return f.entries().getOrDefault(name, List.of());
        }
        private ConfFile.Entry counted(String name) {
            read.add(name);
            List<ConfFile.Entry> l = f.entries().get(name);
            return l == null ? null : l.get(0);
        }
        boolean bool(String name, boolean def) {
            ConfFile.Entry e = counted(name);
            return e == null ? def : parseBool(e.value());
        }
        long num(String name, long def) {
            ConfFile.Entry e = counted(name);
            return e == null ? def : Long.parseLong(e.value());
        }
        long size(String name, long def) {
            ConfFile.Entry e = counted(name);
            return e == null ? def : parseSize(e.value());
        }
        String str(String name, String def) {
            ConfFile.Entry e = counted(name);
            return e == null ? def : e.value();
        }
        ConfFile.ConfigError error(String name, String msg) {
            ConfFile.Entry e = counted(name);
            return new ConfFile.ConfigError(f.source(), e == null ? 0 : e.line(), "option " + name + ": " + msg);
        }
    }
}
