package dev.bulwark.cli.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against the real yara 4.2.3: the same rules (every construct of the language) over crafted
 * and random inputs must give the same output lines (rule names, tags, meta, string offsets, lengths, data).
 */
class YaraDifferentialTest {
    private static final Path YARA = Path.of("/usr/bin/yara");
    private static final String[] TOKENS = {
        "hello", "world", "HeLLo", "HELLO", "key", "KEY", "hidden", "aa", "aaaa", "MZ", "one", "two", "three", "x1", "x2",
        "abbbc", "ac", "12345-X", "123-x", " word ", "qabz", "q\n\nz", "foobaz", "barbaz", "AB", "AB?D", "ABCD", "0134",
        "01xx4", "abe", "acde", "xy0000zz", "priv", "zzzq", "\0\1\3", "BA", "word", "secret", "Secr"
    };

    @TempDir
    Path tmp;

    private static byte[] wide(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1), w = new byte[b.length * 2];
        for (int i = 0; i < b.length; i++) w[2 * i] = b[i];
        return w;
    }

    private static byte[] input(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int parts = 1 + r.nextInt(12);
        for (int i = 0; i < parts; i++) {
            switch (r.nextInt(7)) {
                case 0 -> {
                    byte[] junk = new byte[r.nextInt(40)];
                    r.nextBytes(junk);
                    out.writeBytes(junk);
                }
                case 1 -> out.writeBytes(wide(TOKENS[r.nextInt(TOKENS.length)]));
                case 2 -> {
                    byte[] t = TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.ISO_8859_1);
                    int key = r.nextInt(256);
                    for (byte b : t) out.write(b ^ key);
                }
                case 3 -> out.writeBytes(Base64.getEncoder().encode(
                        (r.nextBoolean() ? "xbase64 text" : "wide one").substring(r.nextInt(2)).getBytes(StandardCharsets.ISO_8859_1)));
                case 4 -> out.writeBytes(" ".repeat(r.nextInt(3)).getBytes(StandardCharsets.ISO_8859_1));
                default -> out.writeBytes(TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toByteArray();
    }

    private static String yara(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(YARA.toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        p.waitFor(120, TimeUnit.SECONDS);
        return out;
    }

    private static String ours(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        YaraCommand.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.ISO_8859_1),
                new PrintStream(new ByteArrayOutputStream()));
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Groups output lines by scanned file (a rule line ends with the path; string lines follow it). */
    private static Map<String, List<String>> byFile(String out, Path dir) {
        Map<String, List<String>> m = new TreeMap<>();
        List<String> current = null;
        for (String line : out.split("\n")) {
            if (line.isEmpty()) continue;
            int at = line.indexOf(dir.toString());
            if (at >= 0 && !line.startsWith("0x")) {
                String file = line.substring(at);
                current = m.computeIfAbsent(file, k -> new ArrayList<>());
                current.add(line.substring(0, at));
            } else if (current != null) {
                current.add(line);
            }
        }
        return m;
    }

    @Test
    void sameOutputAsYara() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        Path rules = tmp.resolve("rules.yar");
        try (var in = getClass().getResourceAsStream("differential.yar")) {
            Files.write(rules, in.readAllBytes());
        }
        Path dir = tmp.resolve("inputs");
        Files.createDirectories(dir);
        Random r = new Random(20261125);
        for (int i = 0; i < 300; i++) Files.write(dir.resolve(String.format("in%03d.bin", i)), input(r));
        Files.write(dir.resolve("empty.bin"), new byte[0]);
        Files.write(dir.resolve("mz.bin"), "MZ\u0090\0AB?D hello world aaaa".getBytes(StandardCharsets.ISO_8859_1));

        for (List<String> flags : List.of(List.of("-s"), List.of("-s", "-L", "-g", "-m", "-e"), List.of("-n"),
                List.of("-c"), List.of("-t", "tag1"), List.of("-i", "regexes", "-s"))) {
            List<String> args = new ArrayList<>(flags);
            args.addAll(List.of("-p", "1", "-w", "-r", rules.toString(), dir.toString()));
            String expected = yara(args), got = ours(args);
            if (flags.equals(List.of("-s"))) {
                long stringLines = expected.lines().filter(l -> l.startsWith("0x")).count();
                long rulesHit = expected.lines().filter(l -> !l.startsWith("0x")).map(l -> l.split(" ")[0]).distinct().count();
                System.out.println("differential: yara printed " + stringLines + " string matches, " + rulesHit + " distinct rules");
                org.junit.jupiter.api.Assertions.assertTrue(stringLines > 300 && rulesHit > 15, "inputs exercise too little");
            }
            if (flags.contains("-c")) {
                assertEquals(new java.util.TreeSet<>(List.of(expected.split("\n"))), new java.util.TreeSet<>(List.of(got.split("\n"))), "flags " + flags);
                continue;
            }
            Map<String, List<String>> e = byFile(expected, dir), g = byFile(got, dir);
            for (String f : e.keySet()) assertEquals(e.get(f), g.get(f), "flags " + flags + " file " + f);
            assertEquals(e.keySet(), g.keySet(), "flags " + flags);
        }
    }
    /**
     * A symlink loop inside the scanned tree does not abort the scan (the walk used to throw and report nothing).
     * yara 4.2.3 itself follows such a loop until the path is too long, reporting each file again under every
     * longer path; we visit each real file once.
     */
    @Test
    void symlinkLoopDoesNotAbortTheScan() throws Exception {
        Path rules = tmp.resolve("loop.yar");
        Files.writeString(rules, "rule hello { strings: $a = \"hello\" condition: $a }\n");
        Path dir = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(dir.resolve("a.txt"), "say hello");
        Files.writeString(tmp.resolve("tree/b.txt"), "hello again");
        Files.createSymbolicLink(dir.resolve("loop"), Path.of(".."));
        String got = ours(List.of("-p", "1", "-r", rules.toString(), tmp.resolve("tree").toString()));
        assertEquals(List.of("hello " + tmp.resolve("tree/b.txt"), "hello " + dir.resolve("a.txt")), List.of(got.split("\n")));
    }

    /** yara -s prints at most 64 bytes of a hex string's match, then " ..."; text strings and regexps whole. */
    @Test
    void longHexMatchesPrintTruncatedAsInYara() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        Path rules = tmp.resolve("long.yar");
        Files.writeString(rules, "rule h { strings: $a = { 41 42 [-] 43 44 } $b = { 41 42 [60-62] 43 44 } $c = { 41 42 [58] 43 44 }"
                + " $t = /AB[x]{70}CD/ $u = \"ABxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" condition: any of them }\n");
        Path target = Files.write(tmp.resolve("long.bin"), ("AB" + "x".repeat(58) + "CD AB" + "x".repeat(60) + "CD AB" + "x".repeat(70)
                + "CD AB" + "x".repeat(600) + "CD").getBytes(StandardCharsets.ISO_8859_1));
        List<String> args = List.of("-s", "-L", rules.toString(), target.toString());
        String want = yara(args);
        org.junit.jupiter.api.Assertions.assertTrue(want.contains(" ..."), want);
        assertEquals(want, ours(args));
    }

    @Test
    void metaStringsPrintEscapedAsInYara() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        Path rules = tmp.resolve("meta.yar");
        // quotes, backslash, C escapes, a control byte, DEL and UTF-8 text (yara prints bytes >= 127 in octal)
        Files.writeString(rules, "rule m : t1 { meta: a = \"q\\\"uo\\\\te \\x01 \\t \\n \\x7f \u00e9\u65b0 it's\" b = -5 c = true "
                + "condition: true }\n", StandardCharsets.UTF_8);
        Path target = Files.write(tmp.resolve("t.bin"), new byte[] {1, 2, 3});
        List<String> args = List.of("-m", "-g", rules.toString(), target.toString());
        String want = yara(args);
        org.junit.jupiter.api.Assertions.assertTrue(want.contains("\\303\\251"), want); // the UTF-8 bytes of the e-acute, in octal
        assertEquals(want, ours(args));
    }
}
