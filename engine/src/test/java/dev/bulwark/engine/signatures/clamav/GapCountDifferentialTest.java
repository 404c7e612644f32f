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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gap counts in .ndb body patterns as libclamav 1.4.6 reads them: counts of 10 and more digits wrap like atoi
 * (strtol saturated to 64 bits, then the low 32), a gap of 0 is unbounded, {@code { 1}} and {@code {+1}} are one
 * wildcard, {@code {2-1}} loads and never matches, runs of '-' count as one. Each pattern is 6162{X}6364, scanned in
 * "ab" + k bytes + "cd" (k = 0, 1, 2, 3, 5, 6, 10, 200, 300, padded both sides) and in "cd...ab"; the expectations are
 * clamscan 1.4.6's (recorded on this project's machine), and the test runs clamscan too when it is installed. Bulwark
 * refused every count of 10 or more digits and { 1}, {+1}, {2-1} (Malformed database), and read {0}, {0-0}, {-0}
 * as adjacency instead of as '*'.
 */
class GapCountDifferentialTest {
    private static final int[] GAPS = {0, 1, 2, 3, 5, 6, 10, 200, 300};
    private static final String ALL = "0 1 2 3 5 6 10 200 300";
    private static final String ERR = "ERR";

    /** pattern gap -> the gaps clamscan 1.4.6 found ("" none; reversed "cd..ab" never), or ERR (database refused). */
    static final Map<String, String> CLAMSCAN = new LinkedHashMap<>();

    static {
        String[][] recorded = {
            {"{4294967296}", ALL}, {"{4294967296-}", ALL}, {"{1-4294967296}", "1 2 3 5 6 10 200 300"},
            {"{4294967301}", "5"}, {"{4294967297-4294967299}", "1 2 3"}, {"{4294967301-}", "5 6 10 200 300"},
            {"{-4294967296}", ALL}, {"{-4294967301}", "0 1 2 3 5"}, {"{2-4294967297}", ""}, {"{4294967424}", ""},
            {"{9223372032559808517}", "5"}, {"{0000000005}", "5"}, {"{00000000005}", "5"},
            {"{0000000000000000000000000000005}", "5"}, {"{-00000000000000000000000005}", "0 1 2 3 5"},
            {"{9999999999}", ""}, {"{1000000000}", ""},
            {"{2147483648}", ERR}, {"{2147483649}", ERR}, {"{3000000000}", ERR}, {"{4294967295}", ERR},
            {"{-4294967295}", ERR}, {"{2147483648-}", ERR}, {"{9223372036854775813}", ERR},
            {"{18446744073709551616}", ERR}, {"{18446744073709551621}", ERR}, {"{12345678901234567890}", ERR},
            {"{99999999999999999999}", ERR},
            {"{0}", ALL}, {"{}", ALL}, {"{0-0}", ALL}, {"{-0}", ALL}, {"{0-}", ALL}, {"{-}", ALL}, {"{--}", ALL},
            {"{5-0}", "5 6 10 200 300"}, {"{0-5}", "0 1 2 3 5"}, {"{-5}", "0 1 2 3 5"}, {"{3-3}", "3"}, {"{1-1}", "1"},
            {"{300}", "300"},
            {"{ 1}", "1"}, {"{+1}", "1"}, {"{ 5}", "5"}, {"{  5}", "5"}, {"{\t5}", "5"}, {"{+5}", "5"}, {"{ +5}", "5"},
            {"{2-1}", ""}, {"{5-2}", ""},
            {"{--5}", "0 1 2 3 5"}, {"{---5}", "0 1 2 3 5"}, {"{-5-}", "0 1 2 3 5"}, {"{5--}", "5 6 10 200 300"},
            {"{5-5-}", "5"},
            {"{+ 5}", ERR}, {"{5 }", ERR}, {"{+0}", ERR}, {"{ 0}", ERR}, {"{ 200}", ERR}, {"{+200}", ERR},
            {"{+4294967296}", ERR}, {"{ 4294967301}", ERR}, {"{0x5}", ERR}, {"{5a}", ERR}, {"{-+5}", ERR},
            {"{- 5}", ERR}, {"{+5-}", ERR}, {"{ 5-}", ERR}, {"{ 1-3}", ERR}, {"{1- 3}", ERR}, {"{+1-+3}", ERR},
            {"{1-3 }", ERR}, {"{1 -3}", ERR}, {"{ -5}", ERR}, {"{-5-5}", ERR}, {"{1-2-3}", ERR},
        };
        for (String[] r : recorded) CLAMSCAN.put(r[0], r[1]);
    }

    private static byte[] target(int k) {
        return ("Z".repeat(20) + "ab" + "X".repeat(k) + "cd" + "Z".repeat(20)).getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] REVERSED = ("Z".repeat(20) + "cdXXXab" + "Z".repeat(20)).getBytes(StandardCharsets.US_ASCII);

    private static String bulwark(String gap) {
        Engine e;
        try {
            e = Engine.of(DatabaseLoader.loadText("g.ndb", "T:0:*:6162" + gap + "6364\n", LoadOptions.defaults()));
        } catch (DatabaseLoadException ex) {
            return ERR;
        }
        List<String> hit = new ArrayList<>();
        for (int k : GAPS) if (e.scan(target(k), ScanOptions.defaults()).infected()) hit.add(Integer.toString(k));
        if (e.scan(REVERSED, ScanOptions.defaults()).infected()) hit.add("rev");
        return String.join(" ", hit);
    }

    @Test
    void gapCountsAsClamscanRecordedThem() {
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> c : CLAMSCAN.entrySet()) {
            String got = bulwark(c.getKey());
            if (!got.equals(c.getValue())) diffs.add(c.getKey() + ": clamscan " + c.getValue() + ", Bulwark " + got);
        }
        assertEquals(List.of(), diffs);
    }

    @Test
    void gapCountsAsClamscanNow(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        List<String> files = new ArrayList<>();
        for (int k : GAPS) {
            Path f = tmp.resolve("g" + k);
            Files.write(f, target(k));
            files.add(f.toString());
        }
        Path rev = tmp.resolve("grev");
        Files.write(rev, REVERSED);
        files.add(rev.toString());
        List<String> diffs = new ArrayList<>();
        for (String gap : CLAMSCAN.keySet()) {
            Path db = tmp.resolve("x.ndb");
            Files.writeString(db, "T:0:*:6162" + gap + "6364\n");
            List<String> cmd = new ArrayList<>(List.of("clamscan", "--no-summary", "-d", db.toString()));
            cmd.addAll(files);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new AssertionError("clamscan hung"); }
            String got;
            if (p.exitValue() == 2) got = ERR;
            else {
                List<String> hit = new ArrayList<>();
                for (int k : GAPS) if (out.contains("/g" + k + ": T.UNOFFICIAL FOUND")) hit.add(Integer.toString(k));
                if (out.contains("/grev: T.UNOFFICIAL FOUND")) hit.add("rev");
                got = String.join(" ", hit);
            }
            if (!got.equals(CLAMSCAN.get(gap))) diffs.add(gap + ": recorded " + CLAMSCAN.get(gap) + ", clamscan now " + got);
            String b = bulwark(gap);
            if (!got.equals(b)) diffs.add(gap + ": clamscan " + got + ", Bulwark " + b);
        }
        assertEquals(List.of(), diffs);
    }
}
