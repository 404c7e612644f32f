package dev.bulwark.cli.yara;

import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * Compiled rule sets of {@code bulwark yara}, kept between runs (as {@code yarac} + {@code yara -C} would, but
 * without a separate step): an entry is named by checksums of this build of the engine, the rule sources (names,
 * namespaces, texts) and the external variables, which the entry also holds and which are compared byte for byte
 * (see {@link Key}), so a change to any of them misses. A rule set that
 * includes other files is not kept (their texts are not in the key). Any failure to read or write an entry falls
 * back to compiling; a damaged entry is refused by its checksum ({@link YaraRuleSet#fromBytes}).
 *
 * <p>Where: the system property {@value YaraCommand#CACHE_PROPERTY}, else {@code $BULWARK_YARA_CACHE} (a directory,
 * or {@code off}), else {@code $XDG_CACHE_HOME/bulwark/yara},
 * else {@code ~/.cache/bulwark/yara}; the directory is created readable by its owner only, and one that is not
 * its user's own or that others may write is not read from.
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
     * The engine jar's path, size and modification time (from the class's code source and java.io.File: cheap
     * before the JIT has compiled anything); null when the engine is not a jar (unless overridden).
     */
    private static String buildId() {
        String forced = System.getProperty(BUILD_PROPERTY);
        if (forced != null) return forced;
        // the class's code source, not getResource: looking a resource up opens every jar of the class path (~12 ms
        // cold), while the code source is known from loading the class
        java.security.CodeSource cs = YaraRuleSet.class.getProtectionDomain().getCodeSource();
        java.net.URL u = cs == null ? null : cs.getLocation();
        if (u == null || !"file".equals(u.getProtocol()) || !u.getPath().endsWith(".jar")) return null;
        try {
            java.io.File jar = new java.io.File(java.net.URLDecoder.decode(u.getPath().replace("+", "%2B"), StandardCharsets.UTF_8));
            long size = jar.length(), mtime = jar.lastModified();
            return size > 0 && mtime > 0 ? jar.getPath() + "|" + size + "|" + mtime : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * An entry's identity: every input field (length-prefixed, so no two different field lists give the same bytes)
     * as {@code material}, and the entry's file name made from it ({@code name}: CRC-32, Adler-32 and length, in hex;
     * zlib's checksums run native even before the JIT has compiled anything). The name only finds the entry: the
     * entry starts with the material it was made from, and is used only when that equals this run's material byte
     * for byte, so rules made to collide with another rule set's name cannot stand in for it (a collision is a miss).
     */
    record Key(String name, byte[] material) {}

    /** The key of the rule files {@code names} with these contents (raw bytes), namespaces and externals. */
    Key key(List<String> names, List<byte[]> texts, List<String> namespaces, Map<String, Object> externals) {
        List<byte[]> fields = new ArrayList<>();
        fields.add(utf8("bulwark yara rule cache 3")); // 3: the sources' bytes as read (2 had their decoded text)
        fields.add(utf8(build));
        for (int i = 0; i < names.size(); i++) {
            String ns = namespaces == null ? null : namespaces.get(i);
            fields.add(utf8(ns == null ? "\u0000default" : "ns:" + ns));
            fields.add(utf8(names.get(i)));
            fields.add(texts.get(i));
        }
        for (Map.Entry<String, Object> e : externals.entrySet()) {
            Object v = e.getValue();
            fields.add(utf8(e.getKey()));
            fields.add(utf8((v == null ? "null" : v.getClass().getSimpleName()) + ":" + v));
        }
        // each field length-prefixed, so no two different field lists give the same bytes; sized once (no regrowth)
        long size = 0;
        for (byte[] f : fields) size += 4L + f.length;
        if (size > MAX_ENTRY) return null;
        byte[] material = new byte[(int) size];
        int at = 0;
        for (byte[] f : fields) {
            writeInt(material, at, f.length);
            System.arraycopy(f, 0, material, at + 4, f.length);
            at += 4 + f.length;
        }
        CRC32 crc = new CRC32();
        Adler32 adler = new Adler32();
        crc.update(material);
        adler.update(material);
        return new Key(hex(crc.getValue(), 8) + hex(adler.getValue(), 8) + hex(material.length, 16), material);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** v as exactly `digits` lower-case hex digits (String.format costs its parser and locale look-ups cold). */
    private static String hex(long v, int digits) {
        String h = Long.toHexString(v);
        return "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    /** The rule set kept under key, or null (none, unreadable, made from other inputs or damaged). */
    YaraRuleSet get(Key key) {
        return get(key, null);
    }

    /**
     * Like {@link #get(Key)}; the set decodes its strings' variants and its conditions on first use, and answers from
     * recompile's set if one of them is then found damaged (see {@link YaraRuleSet#fromBytes(byte[], int, int,
     * java.util.function.Supplier)}).
     */
    YaraRuleSet get(Key key, java.util.function.Supplier<YaraRuleSet> recompile) {
        if (key == null) return null;
        Path p = dir.resolve(key.name());
        try {
            if (!privateDir() || !ownEntry(p)) return null;
            byte[] entry = Files.readAllBytes(p);
            byte[] m = key.material();
            int start = 4 + m.length;
            if (entry.length < start || readInt(entry) != m.length || !Arrays.equals(entry, 4, start, m, 0, m.length)) return null;
            YaraRuleSet rs = YaraRuleSet.fromBytes(entry, start, entry.length - start, recompile);
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

    private static int readInt(byte[] b) {
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    /**
     * True when the directory belongs to this process's user and no one else may write into it: entries are read as
     * compiled rules, so a directory others can write (a shared or world-writable path given by the environment) is
     * not read from.
     */
    private boolean privateDir() throws IOException {
        return ownedAndPrivate(Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class));
    }

    /** Owned by this process's user, and neither its group nor others may write it. */
    private static boolean ownedAndPrivate(java.nio.file.attribute.PosixFileAttributes a) {
        var perms = a.permissions();
        return a.owner().getName().equals(System.getProperty("user.name"))
                && !perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                && !perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
    }

    /**
     * True when p is a regular file (not a link) of this process's user, writable by no one else and not over
     * {@link #MAX_ENTRY}: a private directory now does not make every entry in it the owner's (one placed while the
     * directory was writable by others, as {@link #put} writes into such a directory too, stays after a chmod).
     */
    private static boolean ownEntry(Path p) throws IOException {
        var a = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return a.isRegularFile() && a.size() <= MAX_ENTRY && ownedAndPrivate(a);
    }

    /** Keeps rs under key (written to a temporary file, then renamed into place); failures are ignored. */
    void put(Key key, YaraRuleSet rs) {
        if (key == null || rs.usesIncludes()) return;
        Path tmp = null;
        try {
            byte[] m = key.material(), b = rs.toBytes();
            if (4L + m.length + b.length > MAX_ENTRY) return;
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            tmp = Files.createTempFile(dir, "tmp-", ".part");
            try (var out = Files.newOutputStream(tmp)) {
                out.write(new byte[] {(byte) (m.length >>> 24), (byte) (m.length >>> 16), (byte) (m.length >>> 8), (byte) m.length});
                out.write(m);
                out.write(b);
            }
            Files.move(tmp, dir.resolve(key.name()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
