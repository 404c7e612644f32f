package dev.bulwark.cli.yara;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.RawNames;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import dev.bulwark.engine.signatures.yara.YaraSource;
import dev.bulwark.engine.signatures.yara.modules.ConsoleModule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bulwark yara [OPTION]... [NAMESPACE:]RULES_FILE... FILE|DIR}: the yara 4.2.3 command line, with the same
 * output lines and exit codes (0 success, 1 error).
 */
public final class YaraCommand {
    private static final long MAX_FILE = Integer.MAX_VALUE - 16; // one Java array holds the scanned file
    private static final int MAX_DEPTH = 256; // directory recursion bound (symlink loops)
    /** System property naming the compiled-rule cache's directory, or "off" (before $BULWARK_YARA_CACHE). */
    public static final String CACHE_PROPERTY = "bulwark.yara.cache";

    private YaraCommand() {}

    public static int run(String[] args) {
        // (names that are not valid in the locale: their bytes, as ScanCommand.run)
        return run(RawNames.argv(args), System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        YaraOptions o;
        try {
            o = YaraOptions.parse(args);
        } catch (YaraOptions.UsageException e) {
            err.println("yara: " + e.getMessage());
            return 1;
        }
        if (o.help) {
            out.println(usage());
            return 0;
        }
        if (o.version) {
            out.println("4.2.3 (bulwark)");
            return 0;
        }
        if (o.positional.size() < 2) {
            err.println("yara: wrong number of arguments");
            err.println("Usage: yara [OPTION]... [NAMESPACE:]RULES_FILE... FILE | DIR | PID");
            err.println();
            err.println("Try `--help` for more options");
            return 1;
        }
        YaraRuleSet rules = compile(o, err);
        if (rules == null) return 1;
        ConsoleModule.setSink(s -> {
            synchronized (out) {
                out.println(s);
            }
        });
        String target = o.positional.get(o.positional.size() - 1);
        Path t = RawNames.path(target); // (a name not valid in the locale: the file of exactly its bytes)
        if (o.scanList) {
            return scanList(o, rules, t, out, err);
        }
        if (Files.isDirectory(t)) {
            List<Target> files = new ArrayList<>();
            if (!walk(o, t, target, files, err)) return 1;
            scanFiles(o, rules, files, out, err);
            return 0;
        }
        if (!Files.exists(t) && target.chars().allMatch(Character::isDigit)) {
            err.println("error: scanning processes is not supported");
            return 1;
        }
        String r = scanOne(o, rules, t, target, false, true, new Reader(), err);
        if (r == null) return 1;
        RawNames.print(out, r); // (a name not valid in the locale: its bytes, as yara prints it)
        out.flush();
        return 0;
    }

    private static YaraRuleSet compile(YaraOptions o, PrintStream err) {
        // the files' bytes name the cache entry; they are decoded (strictly, as Files.readString does) only when the
        // rules must be compiled: a cached set never pays for decoding and re-encoding megabytes of rule text
        List<String> names = new ArrayList<>();
        List<byte[]> texts = new ArrayList<>();
        List<String> namespaces = new ArrayList<>();
        for (String spec : o.positional.subList(0, o.positional.size() - 1)) {
            String ns = null, file = spec;
            int colon = spec.indexOf(':');
            if (colon > 0 && !Files.exists(RawNames.path(spec))) {
                ns = spec.substring(0, colon);
                file = spec.substring(colon + 1);
            }
            try {
                texts.add(Files.readAllBytes(RawNames.path(file)));
            } catch (IOException | RuntimeException e) {
                // an earlier file that does not decode was the first failure (as when each was read as text)
                String bad = undecodable(names, texts);
                RawNames.println(err, "error: could not open file: " + (bad != null ? bad : file));
                return null;
            }
            names.add(file);
            namespaces.add(ns);
        }
        RuleCache cache = RuleCache.open();
        RuleCache.Key key = cache == null ? null : cache.key(names, texts, namespaces, o.externals);
        YaraRuleSet cached = cache == null ? null : cache.get(key, () -> compileAgain(names, texts, namespaces, o, cache, key));
        if (cached != null) { // compiled before: the same rule set with the same warnings
            if (!o.noWarnings) {
                for (Diagnostic d : cached.warnings()) RawNames.println(err, render(d));
            }
            if (o.failOnWarnings && !cached.warnings().isEmpty()) return null;
            return cached;
        }
        List<YaraSource> sources = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String text = utf8(texts.get(i));
            if (text == null) {
                RawNames.println(err, "error: could not open file: " + names.get(i));
                return null;
            }
            sources.add(new YaraSource(names.get(i), text));
        }
        List<Diagnostic> warnings = new ArrayList<>();
        try {
            YaraRuleSet rs = YaraRuleSet.compile(sources, o.externals, namespaces, warnings);
            if (cache != null) cache.put(key, rs);
            if (!o.noWarnings) {
                for (Diagnostic d : warnings) RawNames.println(err, render(d));
            }
            if (o.failOnWarnings && !warnings.isEmpty()) return null;
            return rs;
        } catch (DatabaseLoadException e) {
            for (Diagnostic d : firstPerRule(e.diagnostics())) {
                if (!d.isError() && o.noWarnings) continue;
                RawNames.println(err, render(d));
            }
            return null;
        }
    }

    /**
     * (yara10) The rules compiled again, when a part of their cached set decoded on first use was damaged (the entry's
     * checksum held: a crafted entry or a writer bug): the entry is replaced, the warnings were already printed from
     * it, the scan goes on with this set.
     */
    private static YaraRuleSet compileAgain(List<String> names, List<byte[]> texts, List<String> namespaces, YaraOptions o,
            RuleCache cache, RuleCache.Key key) {
        List<YaraSource> sources = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String text = utf8(texts.get(i));
            if (text == null) throw new IllegalStateException("could not open file: " + names.get(i));
            sources.add(new YaraSource(names.get(i), text));
        }
        YaraRuleSet rs = YaraRuleSet.compile(sources, o.externals, namespaces, new ArrayList<>());
        cache.put(key, rs);
        return rs;
    }

    /** The file's text, or null when it is not valid UTF-8 (Files.readString refuses those files too). */
    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** The first of these files that is not valid UTF-8, or null. */
    private static String undecodable(List<String> names, List<byte[]> texts) {
        for (int i = 0; i < names.size(); i++) {
            if (utf8(texts.get(i)) == null) return names.get(i);
        }
        return null;
    }

    private static final java.util.regex.Pattern RULE_SUFFIX = java.util.regex.Pattern.compile("(.*) \\(rule \"([^\"]*)\"\\)");

    /**
     * (compat15) A problem as yara 4.2.3 prints it: {@code error: rule "R" in FILE(LINE): message} for one inside a
     * rule, {@code FILE(LINE): error: message} for one outside (a duplicated rule identifier, an import, an
     * include); likewise for warnings. The message in yara's words where ours says more (a syntax error's
     * unexpected token, the available modules, an escape's character) and without our caret excerpt.
     */
    static String render(Diagnostic d) {
        String m = d.message();
        int nl = m.indexOf('\n');
        if (nl >= 0) m = m.substring(0, nl);
        String kind = d.isError() ? "error" : "warning";
        java.util.regex.Matcher r = RULE_SUFFIX.matcher(m);
        String rule = null;
        if (r.matches()) {
            m = r.group(1);
            rule = r.group(2);
        }
        // yara reports a syntax error at the end of the file on line 0
        int line = m.startsWith("syntax error, unexpected end of file") ? 0 : d.line();
        m = yaraWords(m);
        if (rule != null) return kind + ": rule \"" + rule + "\" in " + d.source() + "(" + line + "): " + m;
        return d.source() + "(" + line + "): " + kind + ": " + m;
    }

    /** (compat15) The message as yara 4.2.3 words it, where ours is more specific. */
    static String yaraWords(String m) {
        if (m.startsWith("syntax error")) return "syntax error";
        if (m.startsWith("illegal escape sequence")) return "illegal escape sequence";
        if (m.startsWith("unknown module \"")) {
            int cut = m.indexOf(" (modules available");
            return cut < 0 ? m : m.substring(0, cut);
        }
        if (m.startsWith("undefined string identifier ")) return "undefined string " + m.substring(28);
        if (m.startsWith("unexpected character '\\x")) return "non-ascii character";
        if (m.startsWith("invalid hex string \"") && m.contains("\": unexpected ")) return "syntax error";
        if (m.startsWith("invalid regular expression \"")) {
            int c = m.indexOf("\": ");
            String why = c < 0 ? "" : m.substring(c + 3);
            if (why.equals("unbalanced parenthesis") || why.equals("missing closing parenthesis") || why.equals("nested quantifier")) {
                return m.substring(0, c + 3) + "syntax error";
            }
        }
        return m;
    }

    /**
     * (compat15) yara recovers from an error at the next rule: of several errors in one rule only the first is
     * printed (later ones are mostly consequences: a string that failed to compile is then "undefined").
     */
    static List<Diagnostic> firstPerRule(List<Diagnostic> ds) {
        List<Diagnostic> out = new ArrayList<>(ds.size());
        java.util.Set<String> semantic = new java.util.HashSet<>(), done = new java.util.HashSet<>();
        for (Diagnostic d : ds) {
            if (d.isError()) {
                String m = d.message();
                int nl = m.indexOf('\n');
                java.util.regex.Matcher r = RULE_SUFFIX.matcher(nl < 0 ? m : m.substring(0, nl));
                if (r.matches()) {
                    String key = d.source() + "\0" + r.group(2), msg = r.group(1);
                    if (done.contains(key)) continue;
                    if (lexical(msg)) {
                        // a token the lexer refused: yara prints it, then its parser's syntax error, and leaves the rule
                        // (a non-ASCII character alone is not followed by one)
                        out.add(d);
                        if (!msg.startsWith("unexpected character '\\x")) {
                            out.add(new Diagnostic(Diagnostic.Severity.ERROR, d.source(), d.line(), d.column(),
                                    "syntax error" + " (rule \"" + r.group(2) + "\")"));
                            done.add(key);
                        }
                        continue;
                    }
                    if (msg.startsWith("syntax error")) done.add(key);
                    if (!semantic.add(key)) continue;
                }
            }
            out.add(d);
        }
        return out;
    }

    /** Messages of our lexer (a token yara's lexer refuses). */
    private static boolean lexical(String m) {
        return m.startsWith("illegal escape sequence") || m.startsWith("integer overflow in ")
                || m.startsWith("unterminated string") || m.startsWith("unexpected character '");
    }

    private static final long MAX_LIST = 1L << 30; // a scan list larger than this is refused (it is read whole)

    /**
     * {@code --scan-list}: the target names one path per line (yara's getline: only the newline is removed, an
     * empty line is a path too); a directory is walked as the target directory would be, anything else is scanned.
     */
    private static int scanList(YaraOptions o, YaraRuleSet rules, Path list, PrintStream out, PrintStream err) {
        if (Files.isDirectory(list)) {
            err.println("error: cannot use a directory as scan list.");
            return 1;
        }
        byte[] text;
        try {
            if (Files.size(list) > MAX_LIST) throw new IOException("too large");
            text = Files.readAllBytes(list);
        } catch (IOException | RuntimeException e) {
            RawNames.println(err, "error: could not open file \"" + RawNames.string(list) + "\".");
            return 1;
        }
        String all = RawNames.decode(text, 0, text.length); // (a name not valid in the locale keeps its bytes)
        List<Target> files = new ArrayList<>();
        int from = 0;
        while (from < all.length()) {
            int nl = all.indexOf('\n', from);
            String line = nl < 0 ? all.substring(from) : all.substring(from, nl);
            from = nl < 0 ? all.length() : nl + 1;
            Path p = path(line);
            if (p != null && Files.isDirectory(p)) {
                if (!walk(o, p, line, files, err)) return 1;
            } else {
                files.add(new Target(line, p, false));
            }
        }
        scanFiles(o, rules, files, out, err);
        return 0;
    }

    /** The path a line names, or null when it names none (empty, or a NUL byte). */
    private static Path path(String line) {
        if (line.isEmpty()) return null;
        try {
            return RawNames.path(line);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * One file to scan: the name printed, its path (null: cannot be opened) and whether it was found by walking a
     * directory (only those are skipped by -z, as yara does).
     */
    private record Target(String name, Path path, boolean walked) {}

    /** Adds the regular files under dir (sorted; recursively with -r) to files; false after reporting an error. */
    private static boolean walk(YaraOptions o, Path dir, String dirName, List<Target> files, PrintStream err) {
        List<Path> found = new ArrayList<>();
        try {
            EnumSet<FileVisitOption> opts = o.noFollow ? EnumSet.noneOf(FileVisitOption.class) : EnumSet.of(FileVisitOption.FOLLOW_LINKS);
            Files.walkFileTree(dir, opts, o.recursive ? MAX_DEPTH : 1, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) found.add(p); // attributes of the link target unless -N
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) {
                    return FileVisitResult.CONTINUE; // a symlink loop or an unreadable entry is skipped, as yara does
                }
            });
            found.sort(null);
        } catch (IOException | RuntimeException e) {
            RawNames.println(err, "error scanning " + dirName + ": " + e.getMessage());
            return false;
        }
        // each named as yara names it: the directory as given (trailing slashes and all: "d/" gives "d//f"), then its
        // path below it (a name not UTF-8 keeps its bytes: RawNames)
        String under = RawNames.string(dir);
        for (Path p : found) files.add(new Target(dirName + RawNames.string(p).substring(under.length()), p, true));
        return true;
    }

    /**
     * Scans the files in order and prints each one's lines as yara's scanning threads do (with -c a count even
     * when the scan failed). One thread scans on the calling thread; more share the files through a pool, and the
     * output keeps the list's order. Each thread reuses one read buffer.
     */
    private static void scanFiles(YaraOptions o, YaraRuleSet rules, List<Target> files, PrintStream out, PrintStream err) {
        if (o.threads <= 1 || files.size() <= 1) {
            Reader reader = new Reader();
            for (Target f : files) print(scanListed(o, rules, f, reader, err), out);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.threads), r -> {
            Thread th = new Thread(r, "yara-scan");
            th.setDaemon(true);
            return th;
        });
        ThreadLocal<Reader> readers = ThreadLocal.withInitial(Reader::new);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Target f : files) results.add(pool.submit(() -> scanListed(o, rules, f, readers.get(), err)));
            for (Future<String> fu : results) {
                String r;
                try {
                    r = fu.get();
                } catch (Exception e) {
                    r = null;
                }
                print(r, out);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void print(String r, PrintStream out) {
        if (r != null && !r.isEmpty()) {
            RawNames.print(out, r); // (a name not valid in the locale: its bytes, as yara prints it)
            out.flush();
        }
    }

    private static String scanListed(YaraOptions o, YaraRuleSet rules, Target f, Reader reader, PrintStream err) {
        String r = scanOne(o, rules, f.path(), f.name(), f.walked(), false, reader, err);
        return r == null && o.count ? f.name() + ": 0\n" : r;
    }

    /**
     * Scans one file and returns the lines to print, or null after reporting an error. single: the file was the
     * command's target (not from a directory or list); walked: it came from a directory walk (-z applies).
     */
    private static String scanOne(YaraOptions o, YaraRuleSet rules, Path file, String name, boolean walked, boolean single,
            Reader reader, PrintStream err) {
        int n;
        try {
            if (file == null) throw new IOException("no such file");
            long size = Files.size(file);
            if (walked && o.skipLarger > 0 && size > o.skipLarger) {
                RawNames.println(err, "skipping " + name + " (" + size + " bytes) because it's larger than " + o.skipLarger + " bytes.");
                return "";
            }
            if (size > MAX_FILE) {
                RawNames.println(err, "error scanning " + name + ": file too large");
                return null;
            }
            n = reader.read(file);
        } catch (IOException | RuntimeException e) {
            RawNames.println(err, "error scanning " + name + ": could not open file");
            return null;
        }
        ByteBuffer data = ByteBuffer.wrap(reader.buf, 0, n);
        List<YaraRuleSet.RuleResult> results;
        try {
            results = o.timeoutSeconds > 0 ? withTimeout(rules, data, o.timeoutSeconds, o.negate, o.printStrings)
                    : rules.scan(data, o.negate, o.printStrings);
        } catch (TimeoutException e) {
            reader.buf = new byte[0]; // the abandoned scan may still read its array: the next file gets another
            RawNames.println(err, "error scanning " + name + ": timeout");
            return null;
        }
        return format(o, results, name, single);
    }

    private static final int READ_CHUNK = 1 << 20; // bytes per read() call
    private static final int KEEP_BUFFER = 64 << 20; // a read buffer larger than this is not kept for the next file

    /**
     * Reads whole files into one reused array, in 1 MiB chunks straight into it (Files.readAllBytes goes through a
     * temporary direct buffer as large as the file: twice the memory traffic and page faults on big files). One
     * per scanning thread.
     */
    private static final class Reader {
        byte[] buf = new byte[0];

        /** Reads the file into buf and returns its length. */
        int read(Path file) throws IOException {
            // (a channel of the Path, not a RandomAccessFile of file.toFile(): the File's String loses a name that is not valid in the locale)
            try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(file)) {
                long size = f.size();
                if (size > MAX_FILE) throw new IOException("file too large");
                if (buf.length < size || buf.length > KEEP_BUFFER && size < buf.length / 4) buf = new byte[(int) size];
                int n = 0;
                while (n < size) {
                    int r = f.read(ByteBuffer.wrap(buf, n, (int) Math.min(READ_CHUNK, size - n)));
                    if (r < 0) break; // the file shrank while being read
                    n += r;
                }
                return n;
            }
        }
    }

    private static List<YaraRuleSet.RuleResult> withTimeout(YaraRuleSet rules, ByteBuffer data, long seconds, boolean all,
            boolean strings)
            throws TimeoutException {
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "yara-timeout");
            th.setDaemon(true);
            return th;
        });
        try {
            return one.submit(() -> rules.scan(data, all, strings)).get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            one.shutdownNow();
        }
    }

    static String format(YaraOptions o, List<YaraRuleSet.RuleResult> results, String name, boolean singleFile) {
        StringBuilder sb = new StringBuilder();
        long shown = 0, matchedCount = 0;
        for (YaraRuleSet.RuleResult r : results) {
            if (r.matched() == o.negate) continue;
            if (!o.tags.isEmpty() && r.tags().stream().noneMatch(o.tags::contains)) continue;
            if (!o.identifiers.isEmpty() && !o.identifiers.contains(r.name())) continue;
            if (r.matched()) matchedCount++;
            if (o.maxRules > 0 && shown >= o.maxRules) break;
            shown++;
            if (o.count) continue;
            if (o.printNamespace) sb.append(r.namespace()).append(':');
            sb.append(r.name());
            if (o.printTags) sb.append(" [").append(String.join(",", r.tags())).append(']');
            if (o.printMeta) meta(sb.append(" ["), r.meta()).append(']');
            sb.append(' ').append(name).append('\n');
            if (o.printStrings && r.matched()) {
                for (YaraRuleSet.StringMatch m : r.strings()) {
                    sb.append("0x").append(Long.toHexString(m.offset())).append(':');
                    // yara -L prints the match's data_length: its length capped at MAX_MATCH_DATA (512)
                    if (o.printLength) sb.append(Math.min(m.length(), YaraRuleSet.MAX_MATCH_DATA)).append(':');
                    sb.append(m.id()).append(": ").append(data(m)).append('\n');
                }
            }
        }
        if (o.count) return singleFile ? shown + "\n" : name + ": " + shown + "\n";
        return sb.toString();
    }

    /** Appends the meta list as yara prints it (straight into the output: Elastic's 3,021 rules with -m). */
    private static StringBuilder meta(StringBuilder sb, List<Map.Entry<String, Object>> meta) {
        boolean first = true;
        for (Map.Entry<String, Object> e : meta) {
            if (!first) sb.append(',');
            first = false;
            Object v = e.getValue();
            if (v instanceof String s) escaped(sb.append(e.getKey()).append("=\""), s).append('"');
            else if (v instanceof Long l) sb.append(e.getKey()).append(" =").append(l.longValue()); // yara 4.2.3 prints ints this way
            else sb.append(e.getKey()).append('=').append(v);
        }
        return sb;
    }

    /**
     * A meta string as yara 4.2.3 prints it (its print_escaped over the string's bytes): quotes and backslashes
     * behind a backslash, bytes from 127 up and control characters without a C escape in octal, \\n and the like
     * for the others. The bytes are the value's UTF-8 form (a value made of invalid UTF-8 by \\x escapes was
     * already decoded with replacement characters when compiled, and prints those).
     */
    private static StringBuilder escaped(StringBuilder sb, String s) {
        // (yara9) an ASCII string's chars are its UTF-8 bytes: no byte array per meta value (with -m over Elastic's
        // 3,021 rules that garbage, ~5 MB, was part of what filled the young generation and cost a collection)
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) return escapedBytes(sb, s.getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < n; i++) escapedByte(sb, s.charAt(i));
        return sb;
    }

    private static StringBuilder escapedBytes(StringBuilder sb, byte[] utf8) {
        for (byte x : utf8) escapedByte(sb, x & 0xFF);
        return sb;
    }

    private static void escapedByte(StringBuilder sb, int c) {
        if (c == '"' || c == '\'' || c == '\\') sb.append('\\').append((char) c);
        else if (c >= 127) octal(sb, c);
        else if (c >= 32) sb.append((char) c);
        else if (c >= 7 && c <= 13) sb.append('\\').append("abtnvfr".charAt(c - 7));
        else octal(sb, c);
    }

    private static void octal(StringBuilder sb, int c) {
        sb.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + (c >> 3 & 7))).append((char) ('0' + (c & 7)));
    }

    private static final int HEX_PRINTED = 64;

    private static String data(YaraRuleSet.StringMatch m) {
        StringBuilder sb = new StringBuilder();
        byte[] d = m.data();
        if (m.hex()) {
            // yara's print_hex_string: at most 64 bytes, then " ..." (text strings are printed whole)
            for (int i = 0; i < Math.min(HEX_PRINTED, d.length); i++) {
                if (i > 0) sb.append(' ');
                hex2(sb, d[i] & 0xFF);
            }
            if (d.length > HEX_PRINTED) sb.append(" ...");
            return sb.toString();
        }
        for (byte b : d) {
            int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F) sb.append((char) c);
            else hex2(sb.append("\\x"), c);
        }
        return sb.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** c as two upper-case hex digits (String.format's "%02X" without its parser: thousands of lines with -s). */
    private static void hex2(StringBuilder sb, int c) {
        sb.append(HEX[c >> 4]).append(HEX[c & 15]);
    }

    private static String usage() {
        return "Usage: bulwark yara [OPTION]... [NAMESPACE:]RULES_FILE... FILE | DIR\n\n"
                + "  -c, --count                     print only number of matches\n"
                + "  -d, --define=VAR=VALUE          define external variable\n"
                + "      --fail-on-warnings          fail on warnings\n"
                + "  -f, --fast-scan                 fast matching mode\n"
                + "  -h, --help                      show this help and exit\n"
                + "  -i, --identifier=IDENTIFIER     print only rules named IDENTIFIER\n"
                + "  -l, --max-rules=NUMBER          abort scanning after matching a NUMBER of rules\n"
                + "  -n, --negate                    print only not satisfied rules (negate)\n"
                + "  -N, --no-follow-symlinks        do not follow symlinks when scanning\n"
                + "  -w, --no-warnings               disable warnings\n"
                + "  -m, --print-meta                print metadata\n"
                + "  -e, --print-namespace           print rules' namespace\n"
                + "  -s, --print-strings             print matching strings\n"
                + "  -L, --print-string-length       print length of matched strings\n"
                + "  -g, --print-tags                print tags\n"
                + "  -r, --recursive                 recursively search directories\n"
                + "  -z, --skip-larger=NUMBER        skip files larger than the given size when scanning a directory\n"
                + "  -t, --tag=TAG                   print only rules tagged as TAG\n"
                + "  -p, --threads=NUMBER            use the specified NUMBER of threads to scan a directory\n"
                + "  -a, --timeout=SECONDS           abort scanning after the given number of SECONDS\n"
                + "  -v, --version                   show version information";
    }
}
