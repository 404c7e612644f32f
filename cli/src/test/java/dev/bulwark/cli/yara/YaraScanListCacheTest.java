package dev.bulwark.cli.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --scan-list} against yara 4.2.3 (list order, directories in the list, unreadable and empty lines, -c),
 * and the compiled-rule cache: a second run loads the rules from the cache and prints exactly what the first
 * run (and yara) printed, warnings included; an edited rule file or a damaged entry is compiled again.
 */
class YaraScanListCacheTest {
    private static final Path YARA = Path.of("/usr/bin/yara");

    @TempDir
    Path tmp;

    @AfterEach
    void clearProperties() {
        System.clearProperty(YaraCommand.CACHE_PROPERTY);
        System.clearProperty(RuleCache.BUILD_PROPERTY);
    }

    private record Run(String out, String err) {}

    private static Run yara(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(YARA.toString());
        cmd.addAll(args);
        Path errFile = Files.createTempFile("yara-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            p.waitFor(120, TimeUnit.SECONDS);
            return new Run(out, Files.readString(errFile, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(errFile);
        }
    }

    private static Run ours(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        YaraCommand.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.ISO_8859_1),
                new PrintStream(err, true, StandardCharsets.ISO_8859_1));
        return new Run(out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
    }

    private static TreeSet<String> lines(String s) {
        return new TreeSet<>(s.lines().toList());
    }

    private Path rules() throws Exception {
        Path rules = tmp.resolve("rules.yar");
        Files.writeString(rules, """
                rule hello : greet { meta: n = 1 strings: $a = "hello" $b = { 68 65 [0-3] 6F } condition: any of them }
                rule count2 { strings: $a = "ab" condition: #a >= 2 }
                rule elf { strings: $m = { 7F 45 4C 46 } condition: $m at 0 }
                rule slow { strings: $s = { 00 ?? 00 } condition: #s > 1000000 }
                """);
        return rules;
    }

    private Path inputs() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in/sub"));
        Files.writeString(tmp.resolve("in/a.txt"), "say hello, abab");
        Files.writeString(tmp.resolve("in/b.txt"), "he--o");
        Files.writeString(dir.resolve("c.txt"), "nothing here");
        Files.write(dir.resolve("d.bin"), new byte[] {0x7F, 'E', 'L', 'F', 'a', 'b', 'a', 'b'});
        return tmp.resolve("in");
    }

    @Test
    void scanListAsYara() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        System.setProperty(YaraCommand.CACHE_PROPERTY, "off");
        Path rules = rules(), in = inputs();
        Path list = tmp.resolve("list.txt");
        // files in a chosen order, a missing file, an empty line, a directory; the last line without a newline
        Files.writeString(list, in.resolve("sub/d.bin") + "\n" + in.resolve("a.txt") + "\n" + tmp.resolve("missing")
                + "\n\n" + in.resolve("sub") + "\n" + in.resolve("b.txt"));
        for (List<String> flags : List.of(List.of("-s"), List.of("-c"), List.of("-r", "-s", "-g", "-m"), List.of("-n"))) {
            List<String> args = new ArrayList<>(flags);
            args.addAll(List.of("-p", "1", "-w", "--scan-list", rules.toString(), list.toString()));
            Run y = yara(args), o = ours(args);
            // one scanning thread: yara prints in list order (a listed directory in its readdir order)
            assertEquals(lines(y.out()), lines(o.out()), "flags " + flags);
            assertEquals(y.out().lines().filter(l -> !l.contains("/sub/")).toList(),
                    o.out().lines().filter(l -> !l.contains("/sub/")).toList(), "order, flags " + flags);
            assertEquals(lines(y.err()), lines(o.err()), "errors, flags " + flags);
            assertTrue(o.err().contains("error scanning : could not open file"), o.err());
        }
        Run y = yara(List.of("-w", "--scan-list", rules.toString(), in.toString()));
        Run o = ours(List.of("-w", "--scan-list", rules.toString(), in.toString()));
        assertEquals(y.err(), o.err());
        Run y2 = yara(List.of("-w", "--scan-list", rules.toString(), tmp.resolve("nope").toString()));
        Run o2 = ours(List.of("-w", "--scan-list", rules.toString(), tmp.resolve("nope").toString()));
        assertEquals(y2.err(), o2.err());
    }

    @Test
    void cachedRulesPrintTheSame() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        Path cache = tmp.resolve("cache");
        System.setProperty(YaraCommand.CACHE_PROPERTY, cache.toString());
        System.setProperty(RuleCache.BUILD_PROPERTY, "test-build");
        Path rules = rules(), in = inputs();
        List<String> args = List.of("-p", "1", "-s", "-r", rules.toString(), in.toString());
        Run y = yara(args);
        Run first = ours(args);
        assertTrue(Files.isDirectory(cache), "cache directory made");
        List<Path> entries;
        try (var s = Files.list(cache)) {
            entries = s.toList();
        }
        assertEquals(1, entries.size(), entries.toString());
        Run second = ours(args);
        assertEquals(first, second);
        assertEquals(lines(y.out()), lines(second.out()));
        // the slow-string warning comes from the cache entry (yara words its warnings differently on stderr)
        assertTrue(second.err().contains("may slow down scanning"), second.err());
        assertTrue(y.err().contains("may slow down scanning"), y.err());

        // --fail-on-warnings fails from the cache as it does when compiling
        List<String> strict = List.of("--fail-on-warnings", "-r", rules.toString(), in.toString());
        assertEquals(1, YaraCommand.run(strict.toArray(new String[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream())));

        // a damaged entry is compiled again (and replaced)
        byte[] e = Files.readAllBytes(entries.get(0));
        e[e.length / 2] ^= 1;
        Files.write(entries.get(0), e);
        assertEquals(first, ours(args));
        assertEquals(first, ours(args));

        // an edited rule file misses
        Files.writeString(rules, Files.readString(rules) + "rule extra { condition: filesize < 6 }\n");
        Run edited = ours(args);
        assertNotEquals(first.out(), edited.out());
        assertEquals(lines(yara(args).out()), lines(edited.out()));
        try (var s = Files.list(cache)) {
            assertEquals(2, s.count());
        }

        // other externals, other namespace: other entries
        ours(List.of("-d", "x=1", "-r", rules.toString(), in.toString()));
        ours(List.of("-r", "ns:" + rules, in.toString()));
        try (var s = Files.list(cache)) {
            assertEquals(4, s.count());
        }
    }

    /** An entry holding the inputs (header) of entry {@code a} and the compiled rules of entry {@code b}. */
    private static byte[] graft(byte[] a, byte[] b) {
        int ha = 4 + ((a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | a[3] & 0xFF);
        int hb = 4 + ((b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF);
        byte[] out = java.util.Arrays.copyOf(a, ha + b.length - hb);
        System.arraycopy(b, hb, out, ha, b.length - hb);
        return out;
    }

    @Test
    void onlyAnEntryMadeFromTheSameInputsInAPrivateDirectoryIsRead() throws Exception {
        System.setProperty(RuleCache.BUILD_PROPERTY, "test-build");
        Path rules = rules(), in = inputs();
        Path other = tmp.resolve("other.yar");
        Files.writeString(other, "rule planted { condition: true }\n");
        Path cache = tmp.resolve("shared"), scratch = tmp.resolve("scratch");
        System.setProperty(YaraCommand.CACHE_PROPERTY, cache.toString());
        List<String> args = List.of("-r", rules.toString(), in.toString());
        Run first = ours(args);
        System.setProperty(YaraCommand.CACHE_PROPERTY, scratch.toString());
        ours(List.of("-r", other.toString(), in.toString()));
        Path key, planted;
        try (var s = Files.list(cache); var t = Files.list(scratch)) {
            key = s.findFirst().orElseThrow();
            planted = t.findFirst().orElseThrow();
        }
        byte[] own = Files.readAllBytes(key), theirs = Files.readAllBytes(planted);
        System.setProperty(YaraCommand.CACHE_PROPERTY, cache.toString());
        // another rule set's entry under this name (as a checksum collision would place it): a miss
        Files.write(key, theirs);
        assertEquals(first, ours(args), "an entry made from other inputs is not read");
        // this rule set's inputs with other compiled rules, in a directory others may write: not read
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.write(key, graft(own, theirs));
        assertEquals(first, ours(args), "a world-writable cache is not read from");
        // the same entry in the owner's private directory is what runs (shows that both checks above matter)
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.write(key, graft(own, theirs));
        assertTrue(ours(args).out().contains("planted "), "entry read from a private directory");
    }

    /**
     * The directory being private now does not make every entry in it the owner's: one planted while it was
     * writable by others (put() writes into such a directory too), or a symbolic link to a file elsewhere, stays
     * after a chmod 700 and would be read as compiled rules (a stored kernel index included, which is not checked
     * against the strings). An entry that is not a regular file of this user's, writable only by them, is a miss.
     */
    @Test
    void anEntryNotOwnedByThisUserOrALinkIsNotRead() throws Exception {
        var users = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
        java.nio.file.attribute.UserPrincipal other;
        try {
            other = users.lookupPrincipalByName("nobody");
        } catch (java.io.IOException e) {
            other = null;
        }
        Assumptions.assumeTrue(other != null && "root".equals(System.getProperty("user.name")),
                "needs root (to give a file to another user) and a 'nobody' user");
        System.setProperty(RuleCache.BUILD_PROPERTY, "test-build");
        Path rules = rules(), in = inputs();
        Path other2 = tmp.resolve("other.yar");
        Files.writeString(other2, "rule planted { condition: true }\n");
        Path cache = tmp.resolve("owned"), scratch = tmp.resolve("scratch2");
        System.setProperty(YaraCommand.CACHE_PROPERTY, cache.toString());
        List<String> args = List.of("-r", rules.toString(), in.toString());
        Run first = ours(args);
        System.setProperty(YaraCommand.CACHE_PROPERTY, scratch.toString());
        ours(List.of("-r", other2.toString(), in.toString()));
        Path key, planted;
        try (var s = Files.list(cache); var t = Files.list(scratch)) {
            key = s.findFirst().orElseThrow();
            planted = t.findFirst().orElseThrow();
        }
        byte[] grafted = graft(Files.readAllBytes(key), Files.readAllBytes(planted));
        System.setProperty(YaraCommand.CACHE_PROPERTY, cache.toString());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));

        // another user's file under the entry's name, in the (now) private directory
        Files.write(key, grafted);
        Files.setOwner(key, other);
        assertEquals(first, ours(args), "an entry owned by another user is not read");

        // a symbolic link under the entry's name to a file elsewhere
        Files.delete(key);
        Path outside = Files.write(tmp.resolve("outside-entry"), grafted);
        Files.createSymbolicLink(key, outside);
        assertEquals(first, ours(args), "an entry that is a symbolic link is not read");

        // the owner's own entry, writable by others: not read either
        Files.delete(key);
        Files.write(key, grafted);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(first, ours(args), "an entry others may write is not read");

        // the same bytes as the owner's private file are read (both checks above matter)
        Files.delete(key);
        Files.write(key, grafted);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertTrue(ours(args).out().contains("planted "), "the owner's entry is read");
    }

    @Test
    void rulesWithIncludesAreNotCached() throws Exception {
        Path cache = tmp.resolve("cache2");
        System.setProperty(YaraCommand.CACHE_PROPERTY, cache.toString());
        System.setProperty(RuleCache.BUILD_PROPERTY, "test-build");
        Files.writeString(tmp.resolve("inc.yar"), "rule inc { strings: $a = \"hello\" condition: $a }\n");
        Path main = tmp.resolve("main.yar");
        Files.writeString(main, "include \"inc.yar\"\nrule m { condition: inc }\n");
        Path in = inputs();
        String first = ours(List.of("-r", main.toString(), in.toString())).out();
        assertTrue(first.contains("m " + in.resolve("a.txt")), first);
        assertTrue(!Files.exists(cache) || Files.list(cache).findAny().isEmpty(), "nothing kept");
        Files.writeString(tmp.resolve("inc.yar"), "rule inc { strings: $a = \"nothing\" condition: $a }\n");
        String second = ours(List.of("-r", main.toString(), in.toString())).out();
        assertTrue(!second.contains("m " + in.resolve("a.txt")), second);
    }
}
