package dev.bulwark.cli.yara;

import dev.bulwark.engine.DatabaseLoadException;
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

    private YaraCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
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
        Path t = Path.of(target);
        if (Files.isDirectory(t)) {
            return scanDirectory(o, rules, t, out, err);
        }
        if (!Files.exists(t) && target.chars().allMatch(Character::isDigit)) {
            err.println("error: scanning processes is not supported");
            return 1;
        }
        String r = scanOne(o, rules, t, false, err);
        if (r == null) return 1;
        out.print(r);
        out.flush();
        return 0;
    }

    private static YaraRuleSet compile(YaraOptions o, PrintStream err) {
        List<YaraSource> sources = new ArrayList<>();
        List<String> namespaces = new ArrayList<>();
        for (String spec : o.positional.subList(0, o.positional.size() - 1)) {
            String ns = null, file = spec;
            int colon = spec.indexOf(':');
            if (colon > 0 && !Files.exists(Path.of(spec))) {
                ns = spec.substring(0, colon);
                file = spec.substring(colon + 1);
            }
            try {
                sources.add(new YaraSource(file, Files.readString(Path.of(file), StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                err.println("error: could not open file: " + file);
                return null;
            }
            namespaces.add(ns);
        }
        List<Diagnostic> warnings = new ArrayList<>();
        try {
            YaraRuleSet rs = YaraRuleSet.compile(sources, o.externals, namespaces, warnings);
            if (!o.noWarnings) {
                for (Diagnostic d : warnings) err.println(render(d));
            }
            if (o.failOnWarnings && !warnings.isEmpty()) return null;
            return rs;
        } catch (DatabaseLoadException e) {
            for (Diagnostic d : e.diagnostics()) {
                if (!d.isError() && o.noWarnings) continue;
                err.println(render(d));
            }
            return null;
        }
    }

    /** yara's "file(line): error: message" followed by our caret excerpt. */
    static String render(Diagnostic d) {
        return d.source() + "(" + d.line() + "): " + (d.isError() ? "error" : "warning") + ": " + d.message();
    }

    private static int scanDirectory(YaraOptions o, YaraRuleSet rules, Path dir, PrintStream out, PrintStream err) {
        List<Path> files = new ArrayList<>();
        try {
            EnumSet<FileVisitOption> opts = o.noFollow ? EnumSet.noneOf(FileVisitOption.class) : EnumSet.of(FileVisitOption.FOLLOW_LINKS);
            Files.walkFileTree(dir, opts, o.recursive ? MAX_DEPTH : 1, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) files.add(p); // attributes of the link target unless -N
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) {
                    return FileVisitResult.CONTINUE; // a symlink loop or an unreadable entry is skipped, as yara does
                }
            });
            files.sort(null);
        } catch (IOException | RuntimeException e) {
            err.println("error scanning " + dir + ": " + e.getMessage());
            return 1;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.threads), r -> {
            Thread th = new Thread(r, "yara-scan");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Path f : files) results.add(pool.submit(() -> scanOne(o, rules, f, true, err)));
            for (Future<String> fu : results) {
                String r;
                try {
                    r = fu.get();
                } catch (Exception e) {
                    r = null;
                }
                if (r != null) {
                    out.print(r);
                    out.flush();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return 0;
    }

    /** Scans one file and returns the lines to print, or null after reporting an error. */
    private static String scanOne(YaraOptions o, YaraRuleSet rules, Path file, boolean inDirectory, PrintStream err) {
        String name = file.toString();
        byte[] data;
        try {
            long size = Files.size(file);
            if (inDirectory && o.skipLarger > 0 && size > o.skipLarger) {
                err.println("skipping " + name + " (" + size + " bytes) because it's larger than " + o.skipLarger + " bytes.");
                return "";
            }
            if (size > MAX_FILE) {
                err.println("error scanning " + name + ": file too large");
                return null;
            }
            data = readFile(file);
        } catch (IOException | RuntimeException e) {
            err.println("error scanning " + name + ": could not open file");
            return null;
        }
        List<YaraRuleSet.RuleResult> results;
        try {
            results = o.timeoutSeconds > 0 ? withTimeout(rules, data, o.timeoutSeconds, o.negate)
                    : rules.scan(ByteBuffer.wrap(data), o.negate);
        } catch (TimeoutException e) {
            err.println("error scanning " + name + ": timeout");
            return null;
        }
        return format(o, results, name, !inDirectory);
    }

    private static final int READ_CHUNK = 1 << 20; // bytes per read() call

    /**
     * The whole file, read in 1 MiB chunks straight into the result array (Files.readAllBytes goes through a
     * temporary direct buffer as large as the file: twice the memory traffic and page faults on big files).
     */
    private static byte[] readFile(java.nio.file.Path file) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            if (size > Integer.MAX_VALUE - 8) throw new IOException("file too large");
            byte[] data = new byte[(int) size];
            int n = 0;
            while (n < data.length) {
                int r = f.read(data, n, Math.min(READ_CHUNK, data.length - n));
                if (r < 0) return java.util.Arrays.copyOf(data, n); // the file shrank while being read
                n += r;
            }
            return data;
        }
    }

    private static List<YaraRuleSet.RuleResult> withTimeout(YaraRuleSet rules, byte[] data, long seconds, boolean all)
            throws TimeoutException {
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "yara-timeout");
            th.setDaemon(true);
            return th;
        });
        try {
            return one.submit(() -> rules.scan(ByteBuffer.wrap(data), all)).get(seconds, TimeUnit.SECONDS);
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
            if (o.printMeta) sb.append(" [").append(meta(r.meta())).append(']');
            sb.append(' ').append(name).append('\n');
            if (o.printStrings && r.matched()) {
                for (YaraRuleSet.StringMatch m : r.strings()) {
                    sb.append("0x").append(Long.toHexString(m.offset())).append(':');
                    if (o.printLength) sb.append(m.length()).append(':');
                    sb.append(m.id()).append(": ").append(data(m)).append('\n');
                }
            }
        }
        if (o.count) return singleFile ? shown + "\n" : name + ": " + shown + "\n";
        return sb.toString();
    }

    private static String meta(List<Map.Entry<String, Object>> meta) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : meta) {
            if (sb.length() > 0) sb.append(',');
            Object v = e.getValue();
            if (v instanceof String s) sb.append(e.getKey()).append("=\"").append(s).append('"');
            else if (v instanceof Long l) sb.append(e.getKey()).append(" =").append(l); // yara 4.2.3 prints ints this way
            else sb.append(e.getKey()).append('=').append(v);
        }
        return sb.toString();
    }

    private static String data(YaraRuleSet.StringMatch m) {
        StringBuilder sb = new StringBuilder();
        byte[] d = m.data();
        if (m.hex()) {
            for (int i = 0; i < d.length; i++) {
                if (i > 0) sb.append(' ');
                sb.append(String.format("%02X", d[i] & 0xFF));
            }
            return sb.toString();
        }
        for (byte b : d) {
            int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F) sb.append((char) c);
            else sb.append(String.format("\\x%02X", c));
        }
        return sb.toString();
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
