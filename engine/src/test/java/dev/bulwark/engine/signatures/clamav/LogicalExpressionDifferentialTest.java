package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .ldb logical expressions against clamscan 1.4.6: {@code T;Target:0;EXPR;6162636465} (or with a second
 * subsignature 78797a7a79 that is absent) over a file holding "abcde" once. The expectations were recorded with
 * clamscan on this project's machine (FOUND, OK, or the database refused with exit 2 and the given message); the
 * test also runs clamscan when it is installed.
 */
class LogicalExpressionDifferentialTest {
    private static final String ONE = "6162636465", TWO = "6162636465;78797a7a79", THREE = TWO + ";616263";
    private static final byte[] TARGET = "ZZZZZZZZZZabcdeZZZZZZZZZZ".getBytes(StandardCharsets.US_ASCII);

    /**
     * Counts of any length read as sscanf %u (strtoul saturated at 2^64-1, low 32 bits): Bulwark read at most 10
     * digits and refused the rest (Malformed database), and compared 0>4294967296 against 4294967296 (OK).
     */
    static final String[][] LARGE_NUMBERS = {
        {"0>4294967296", ONE, "FOUND"}, {"0=1,99999999999", ONE, "FOUND"}, {"0>99999999999", ONE, "OK"},
        {"0>4294967295", ONE, "OK"}, {"0>18446744073709551616", ONE, "OK"}, {"0=4294967297", ONE, "FOUND"},
        {"0<4294967298", ONE, "FOUND"}, {"4294967296", ONE, "FOUND"}, {"0=1,2", ONE, "FOUND"},
        {"0>0,4294967296", ONE, "FOUND"}, {"0>1215752190", ONE, "OK"}, {"0>00000000000000000000000", ONE, "FOUND"},
        {"(0|1)>4294967296", TWO, "FOUND"}, {"(0|1)=1,4294967297", TWO, "FOUND"}, {"(0|1)=1,99999999999", TWO, "OK"},
        {"(0|1)>0,1", TWO, "FOUND"}, {"(0&1)>0", TWO, "OK"},
    };

    /** A count on a parenthesised group that is not an & or |: clamscan refuses it, Bulwark loaded and found it. */
    static final String[][] COUNTED_GROUPS = {
        {"(0)>0", ONE, "ERR"}, {"(0)=1", ONE, "ERR"}, {"(0)>0,1", ONE, "ERR"}, {"((0))>0", ONE, "ERR"},
        {"(((0)))>0", ONE, "ERR"}, {"((0|1))>0", TWO, "ERR"}, {"((0|1)>0)>0", TWO, "ERR"}, {"((0)>0|1)", TWO, "ERR"},
        {"(0)>0|1", TWO, "ERR"}, {"1|(0)>0", TWO, "ERR"},
        {"(0)", ONE, "FOUND"}, {"((0))", ONE, "FOUND"}, {"((0)|1)>0", TWO, "FOUND"}, {"(0)|1", TWO, "FOUND"},
        {"((0)|(1))>0", TWO, "FOUND"}, {"((0|1)>0|1)>0", TWO, "FOUND"}, {"((0|1)|1)>0", TWO, "FOUND"},
        {"(1|(0|1))>0", TWO, "FOUND"}, {"((0|1))", TWO, "FOUND"}, {"(((0|1)))", TWO, "FOUND"}, {"((0|1))|1", TWO, "FOUND"},
    };

    /**
     * (compat12) Spellings libclamav's character-by-character reader (cli_ac_chklsig) accepts or reads its own way:
     * blanks, signs and trailing characters around numbers (sscanf %u), the last of several comparison signs, a
     * count after a group followed by anything making the group malformed, a group's last {@code &}/{@code |} splitting it
     * ({@code (2|0&1)} is {@code (2|0)&1}), and a compared subsignature counted as seen at 0 ({@code 1<1}). Bulwark
     * refused all of the first kind (Malformed database) and found {@code (2|0&1)}, not {@code (1&0|2)} nor
     * {@code (1<1&0)>0,2}.
     */
    static final String[][] SPELLINGS = {
        {"0> 0", ONE, "FOUND"}, {"0>+0", ONE, "FOUND"}, {"0>0x", ONE, "FOUND"}, {"0= 1", ONE, "FOUND"},
        {"0=+1", ONE, "FOUND"}, {"0=1x", ONE, "FOUND"}, {"0>-1", ONE, "OK"}, {"0<-1", ONE, "FOUND"},
        {"0>0,", ONE, "FOUND"}, {"0=1,-1", ONE, "FOUND"}, {"0 >0", ONE, "FOUND"}, {"0>0 ", ONE, "FOUND"},
        {"0>=1", ONE, "FOUND"}, {"0=>0", ONE, "FOUND"}, {"0<>1", ONE, "OK"}, {" 0", ONE, "FOUND"}, {"+0", ONE, "FOUND"},
        {"0x", ONE, "FOUND"}, {"00", ONE, "FOUND"}, {"0(1)5", ONE, "OK"}, {"x0", ONE, "ERR"}, {"0>", ONE, "ERR"},
        {"0>x", ONE, "ERR"}, {"0=1,2,3", ONE, "FOUND"},
        {"0 | 1", TWO, "FOUND"}, {"( 0|1)", TWO, "FOUND"}, {"0|1 ", TWO, "FOUND"}, {"0|1x", TWO, "FOUND"},
        {"0|1,", TWO, "FOUND"}, {"0 & 1", TWO, "OK"}, {"(0|1)>0 ", TWO, "ERR"}, {"(0|1)>1 ", TWO, "ERR"},
        {"(0|1)>1", TWO, "OK"}, {"(0|1)> 1", TWO, "OK"}, {"(0|1)>+0", TWO, "FOUND"}, {"(0|1)>1x", TWO, "ERR"},
        {"(0|1)0", TWO, "ERR"}, {"(1<1&0)>0,2", TWO, "FOUND"}, {"(1<1&0)>0,3", TWO, "OK"},
        {"(2|0&1)", THREE, "OK"}, {"(1&0|2)", THREE, "FOUND"}, {"(0|1&2)", THREE, "FOUND"}, {"2|0&1", THREE, "FOUND"},
        {"((2|0&1)|1)", THREE, "OK"},
    };

    private static String line(String[] c) {
        return "T;Target:0;" + c[0] + ";" + c[1] + "\n";
    }

    private static String bulwark(String[] c) {
        try {
            Engine e = Engine.of(DatabaseLoader.loadText("x.ldb", line(c), LoadOptions.defaults()));
            return e.scan(TARGET, ScanOptions.defaults()).infected() ? "FOUND" : "OK";
        } catch (DatabaseLoadException ex) {
            if ((c[0].contains(")>") || c[0].contains(")=")) && List.of(COUNTED_GROUPS).contains(c)) {
                assertEquals(true, ex.getMessage().contains("Syntax error: Missing opening parenthesis"), ex.getMessage());
            }
            return "ERR";
        }
    }

    private static List<String> diffs(String[][] cases) {
        List<String> d = new ArrayList<>();
        for (String[] c : cases) {
            String got = bulwark(c);
            if (!got.equals(c[2])) d.add(c[0] + ": clamscan " + c[2] + ", Bulwark " + got);
        }
        return d;
    }

    @Test
    void largeNumbersAsClamscan() {
        assertEquals(List.of(), diffs(LARGE_NUMBERS));
    }

    @Test
    void countedGroupsAsClamscan() {
        assertEquals(List.of(), diffs(COUNTED_GROUPS));
    }

    @Test
    void spellingsAsClamscan() {
        assertEquals(List.of(), diffs(SPELLINGS));
    }

    @Test
    void clamscanAgreesNow(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        Path target = tmp.resolve("one");
        Files.write(target, TARGET);
        List<String> d = new ArrayList<>();
        List<String[]> all = new ArrayList<>(List.of(LARGE_NUMBERS));
        all.addAll(List.of(COUNTED_GROUPS));
        all.addAll(List.of(SPELLINGS));
        for (String[] c : all) {
            Path db = tmp.resolve("x.ldb");
            Files.writeString(db, line(c));
            Process p = new ProcessBuilder("clamscan", "--no-summary", "-d", db.toString(), target.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new AssertionError("clamscan hung"); }
            String got = switch (p.exitValue()) {
                case 0 -> "OK";
                case 1 -> "FOUND";
                default -> "ERR";
            };
            if (got.equals("ERR") && c[2].equals("ERR") && List.of(COUNTED_GROUPS).contains(c) && !out.contains("Syntax error: Missing opening parenthesis"))
                d.add(c[0] + ": clamscan refused it otherwise: " + out);
            if (!got.equals(c[2])) d.add(c[0] + ": recorded " + c[2] + ", clamscan now " + got);
        }
        assertEquals(List.of(), d);
    }
}
