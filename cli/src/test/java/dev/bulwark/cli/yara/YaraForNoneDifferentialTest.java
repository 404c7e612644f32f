package dev.bulwark.cli.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (compat15) Rules yara 4.2.3 accepts get yara 4.2.3's verdicts: in a {@code for} loop "none" and 0 ask for at least
 * zero items (the loop always holds; yara 4.3 changed them to "exactly zero", which Bulwark followed before), while
 * {@code none of} / {@code 0 of} without a loop body mean exactly zero in both. Compared with /usr/bin/yara on files
 * with and without the strings.
 */
class YaraForNoneDifferentialTest {
    private static final Path YARA = Path.of("/usr/bin/yara");

    @TempDir
    Path tmp;

    @Test
    void forNoneAndForZeroAsYara423() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        String rules = """
                rule none_of { strings: $a = "abc" $b = "xyz" condition: none of them }
                rule zero_of { strings: $a = "abc" $b = "xyz" condition: 0 of ($a, $b) }
                rule for_none_of { strings: $a = "abc" $b = "xyz" condition: for none of them : ( $ ) }
                rule for_zero_of { strings: $a = "abc" $b = "xyz" condition: for 0 of ($a, $b) : ( @ < 100 ) }
                rule for_none_in { condition: for none i in (1..3) : ( i == 2 ) }
                rule for_zero_in { condition: for 0 i in (1..3) : ( i == 5 ) }
                rule for_none_list { condition: for none i in (1, 2, 3) : ( i == filesize ) }
                rule for_none_and { condition: for any i in (1..3) : ( i == 2 ) and for none i in (1..3) : ( i == 2 ) }
                rule for_one_in { condition: for 1 i in (1..3) : ( i == 2 ) }
                """;
        Path r = Files.writeString(tmp.resolve("r.yar"), rules);
        Path dir = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(dir.resolve("both"), "abc xyz");
        Files.writeString(dir.resolve("one"), "abc");
        Files.writeString(dir.resolve("none"), "qqq");
        Files.writeString(dir.resolve("two"), "ab");
        Process p = new ProcessBuilder(YARA.toString(), "-w", r.toString(), dir.toString()).redirectErrorStream(true).start();
        String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
        YaraCommand.run(new String[] {"-w", r.toString(), dir.toString()}, ps, ps);
        assertEquals(new java.util.TreeSet<>(java.util.List.of(theirs.split("\n"))),
                new java.util.TreeSet<>(java.util.List.of(o.toString(StandardCharsets.UTF_8).split("\n"))));
    }
}
