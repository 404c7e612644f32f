package dev.bulwark.cli.yara;

import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import dev.bulwark.engine.signatures.yara.YaraSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * Compiled rule sets of {@code bulwark yara}, kept between runs (as {@code yarac} + {@code yara -C} would, but
 * without a separate step): an entry is named by checksums of this build of the engine, the rule sources (names,
 * namespaces, texts) and the external variables (see {@link #key}), so a change to any of them misses. A rule set that
 * includes other files is not kept (their texts are not in the key). Any failure to read or write an entry falls
 * back to compiling; a damaged entry is refused by its checksum ({@link YaraRuleSet#fromBytes}).
 *
 * <p>Where: the system property {@value YaraCommand#CACHE_PROPERTY}, else {@code $BULWARK_YARA_CACHE} (a directory,
 * or {@code off}), else {@code $XDG_CACHE_HOME/bulwark/yara},
 * else {@code ~/.cache/bulwark/yara}; the directory is created readable by its owner only.
 */
final class RuleCache {
    private static final int MAX_ENTRIES = 16; // older entries are deleted beyond this many
    private static final long MAX_ENTRY = 256L << 20; // larger compiled sets are not kept (nor read)
    /** Overrides the build identity (tests run from class directories, which have none). */
    static final String BUILD_PROPERTY = "bulwark.yara.cache.build";

    private final Path dir;
    private final String build;

    private RuleCache(Path dir, String build) {
        this.dir = dir;
        this.build = build;
    }

    /** The cache this process uses, or null when it is off or this build has no identity. */
    static RuleCache open() {
        String env = System.getProperty(YaraCommand.CACHE_PROPERTY, System.getenv("BULWARK_YARA_CACHE"));
        if ("off".equals(env)) return null;
        String build = buildId();
        if (build == null) return null;
        Path dir;
        try {
            if (env != null && !env.isEmpty()) {
                dir = Path.of(env);
            } else {
                String xdg = System.getenv("XDG_CACHE_HOME");
                String home = System.getProperty("user.home");
                if (xdg != null && xdg.startsWith("/")) dir = Path.of(xdg, "bulwark", "yara");
                else if (home != null && !home.isEmpty() && !home.equals("?")) dir = Path.of(home, ".cache", "bulwark", "yara");
                else return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
        return new RuleCache(dir, build);
    }

    /**
     * The engine jar's path, size and modification time (from the class's resource URL and java.io.File: cheap
     * before the JIT has compiled anything); null when the engine is not a jar (unless overridden).
     */
    private static String buildId() {
        String forced = System.getProperty(BUILD_PROPERTY);
        if (forced != null) return forced;
        java.net.URL u = YaraRuleSet.class.getResource("YaraRuleSet.class");
        if (u == null) return null;
        String s = u.toString();
        int bang = s.indexOf("!/");
        if (!s.startsWith("jar:file:") || bang < 0) return null;
        try {
            java.io.File jar = new java.io.File(java.net.URLDecoder.decode(s.substring("jar:file:".length(), bang).replace("+", "%2B"), StandardCharsets.UTF_8));
            long size = jar.length(), mtime = jar.lastModified();
            return size > 0 && mtime > 0 ? jar.getPath() + "|" + size + "|" + mtime : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The entry name for these inputs: the CRC-32 and Adler-32 of every input field (length-prefixed, so no two
     * different field lists give the same bytes) and their total length, in hex. zlib's checksums run native even
     * before the JIT has compiled anything; SHA-256 (its provider set-up and its loop in the interpreter) cost
     * ~20 ms of a run. Two different inputs that agree in length and in both checksums are not a realistic
     * accident, and only the owner of the cache directory can place entries in it.
     */
    String key(List<YaraSource> sources, List<String> namespaces, Map<String, Object> externals) {
        Key k = new Key();
        k.field("bulwark yara rule cache 1");
        k.field(build);
        for (int i = 0; i < sources.size(); i++) {
            String ns = namespaces == null ? null : namespaces.get(i);
            k.field(ns == null ? "\u0000default" : "ns:" + ns);
            k.field(sources.get(i).name());
            k.field(sources.get(i).text());
        }
        for (Map.Entry<String, Object> e : externals.entrySet()) {
            Object v = e.getValue();
            k.field(e.getKey());
            k.field((v == null ? "null" : v.getClass().getSimpleName()) + ":" + v);
        }
        return hex(k.crc.getValue(), 8) + hex(k.adler.getValue(), 8) + hex(k.length, 16);
    }

    /** v as exactly `digits` lower-case hex digits (String.format costs its parser and locale look-ups cold). */
    private static String hex(long v, int digits) {
        String h = Long.toHexString(v);
        return "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    private static final class Key {
        final CRC32 crc = new CRC32();
        final Adler32 adler = new Adler32();
        long length;

        void field(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            byte[] n = {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length};
            crc.update(n);
            adler.update(n);
            crc.update(b);
            adler.update(b);
            length += 4 + b.length;
        }
    }

    /** The rule set kept under key, or null (none, unreadable or damaged). */
    YaraRuleSet get(String key) {
        Path p = dir.resolve(key);
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > MAX_ENTRY) return null;
            YaraRuleSet rs = YaraRuleSet.fromBytes(Files.readAllBytes(p));
            try {
                Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis())); // recently used
            } catch (IOException e) {
                // a read-only cache still serves
            }
            return rs;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Keeps rs under key (written to a temporary file, then renamed into place); failures are ignored. */
    void put(String key, YaraRuleSet rs) {
        if (rs.usesIncludes()) return;
        Path tmp = null;
        try {
            byte[] b = rs.toBytes();
            if (b.length > MAX_ENTRY) return;
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            tmp = Files.createTempFile(dir, "tmp-", ".part");
            Files.write(tmp, b);
            Files.move(tmp, dir.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            prune();
        } catch (IOException | RuntimeException e) {
            // a read-only or full disk: the next run compiles again
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // nothing more to do
                }
            }
        }
    }

    /** Deletes the least recently written entries beyond MAX_ENTRIES (and stale temporary files). */
    private void prune() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.length() == 32 && n.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) entries.add(p);
            }
        }
        if (entries.size() <= MAX_ENTRIES) return;
        entries.sort(Comparator.comparingLong(RuleCache::modified));
        for (Path p : entries.subList(0, entries.size() - MAX_ENTRIES)) Files.deleteIfExists(p);
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
