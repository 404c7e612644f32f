package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * -a/--archive-verbose as clamscan 1.4.6 prints it (Bulwark accepted the option and printed nothing): after an
 * infected file's FOUND lines, "file!(0): NAME FOUND" for the file itself, "file!(level-1)TYPE:member: NAME FOUND"
 * for a member, nested containers joined by '!', a ZIP named by its last member whatever member was infected, and
 * levels shifted by layers found in libclamav's clean cache (content scanned clean before in the same run:
 * --disable-cache changes the line); with -v, a "Scanning FILE!TYPE:member" line for each member name the archive
 * parsers report (a ZIP's every name twice: central and local header), the FOUND lines printed among them as found.
 * Each case compared with the clamscan installed here.
 */
class ArchiveVerboseTest {
    @TempDir
    Path tmp;

    /**
     * (cli15) The line for limit alerts (--alert-exceeds-max with --max-files / --max-recursion / --max-scansize) and
     * under --allmatch with a name repeated: libclamav's evidence counts every alert raised (a weak MaxRecursion behind
     * a virus found later), a ZIP's central directory is indexed up to MaxFiles records (raising MaxFiles before any
     * member), a tar ends at a member refused for MaxFiles (unnamed) or MaxRecursion (named), a file refused at the top
     * runs no callback, and of one virus and weak limit alerts the virus is named. Each file alone (an empty cache).
     * (With two distinct virus names under --allmatch clamscan names a random one: libclamav's evidence is a HashMap.)
     */
    @Test
    void limitAlertsAndAllmatchNamesAsClamscan() throws Exception {
        ClamscanCases.assumeClamscan();
        for (String tool : new String[] {"zip", "tar", "gzip", "seq"}) {
            assumeTrue(new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0, tool);
        }
        Files.writeString(tmp.resolve("eicar.com"), ClamscanCases.EICAR);
        String hdb = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        String ndb = Files.writeString(tmp.resolve("t.ndb"), "Test.Two:0:*:68656c6c6f20776f726c64\n").toString();
        sh("seq 1 4000 > a.bin && seq 5 3000 > b.txt && seq 7 900 > c.txt && seq 2 5000 > r.bin && seq 3 7000 > x.bin"
                + " && seq 4 2000 > y.bin && zip -q inner.zip a.bin b.txt c.txt && zip -q -0 nested.zip inner.zip eicar.com r.bin"
                + " && tar cf t.tar x.bin y.bin inner.zip && gzip -c t.tar > t.tgz"
                + " && for i in 1 2 3 4 5 6 7 8 9 10; do echo hello world here is text; done > h1.txt"
                + " && for i in 1 2 3 4 5; do echo hello world again; done > h2.txt && zip -q two.zip h1.txt eicar.com h2.txt r.bin");
        List<List<String>> opts = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            opts.add(List.of("--alert-exceeds-max", "--max-files=" + n));
            opts.add(List.of("--alert-exceeds-max", "--max-files=" + n, "--allmatch"));
            opts.add(List.of("--alert-exceeds-max", "--max-recursion=" + n));
            opts.add(List.of("--alert-exceeds-max", "--max-recursion=" + n, "--allmatch"));
        }
        opts.add(List.of("--alert-exceeds-max", "--max-scansize=1k"));
        opts.add(List.of("--allmatch"));
        opts.add(List.of("--allmatch", "-v"));
        for (String f : new String[] {"nested.zip", "t.tar", "t.tgz", "two.zip"}) {
            for (List<String> o : opts) {
                if (f.equals("two.zip") && o.contains("--allmatch")) continue; // (two virus names: clamscan's pick is random)
                List<String> args = new ArrayList<>(List.of("--no-summary", "-a", "-d", hdb, "-d", ndb));
                args.addAll(o);
                args.add(tmp.resolve(f).toString());
                String[] a = args.toArray(String[]::new);
                ScanCommandTest.Run want = ScanCommandTest.clamscan(a), got = ScanCommandTest.bulwark(a);
                assertEquals(want.out(), got.out(), String.join(" ", a));
                assertEquals(want.rc(), got.rc(), String.join(" ", a));
            }
        }
    }

    /**
     * (compat17) cli_7unz checks the file count at the top of each entry and ends the archive there, before the
     * entry's metadata: -a names no member, or the last one extracted (Bulwark went on and named the last refused).
     */
    @Test
    void sevenZipEndsAtTheFileCountAsClamscan() throws Exception {
        ClamscanCases.assumeClamscan();
        for (String tool : new String[] {"zip", "7z", "seq"}) {
            assumeTrue(new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0, tool);
        }
        Files.writeString(tmp.resolve("eicar.com"), ClamscanCases.EICAR);
        String hdb = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        String ndb = Files.writeString(tmp.resolve("t.ndb"), "Test.Two:0:*:68656c6c6f20776f726c64\n").toString();
        sh("seq 1 4000 > a.bin && seq 5 3000 > b.txt && seq 7 900 > c.txt && seq 2 5000 > r.bin && seq 3 7000 > x.bin"
                + " && seq 4 2000 > y.bin && zip -q inner.zip a.bin b.txt c.txt && 7z a -bd n.7z inner.zip eicar.com r.bin >/dev/null"
                + " && 7z a -bd s.7z x.bin y.bin inner.zip >/dev/null && 7z a -bd -ms=off ns.7z inner.zip eicar.com r.bin >/dev/null");
        for (String f : new String[] {"n.7z", "s.7z", "ns.7z"}) {
            for (int n = 1; n <= 4; n++) {
                for (boolean all : new boolean[] {false, true}) {
                    List<String> args = new ArrayList<>(List.of("--no-summary", "-a", "-d", hdb, "-d", ndb, "--alert-exceeds-max", "--max-files=" + n));
                    if (all) args.add("--allmatch");
                    args.add(tmp.resolve(f).toString());
                    String[] a = args.toArray(String[]::new);
                    ScanCommandTest.Run want = ScanCommandTest.clamscan(a), got = ScanCommandTest.bulwark(a);
                    assertEquals(want.out(), got.out(), String.join(" ", a));
                    assertEquals(want.rc(), got.rc(), String.join(" ", a));
                }
            }
        }
    }

    @Test
    void membersAreNamedAsClamscanNamesThem() throws Exception {
        ClamscanCases.assumeClamscan();
        for (String tool : new String[] {"zip", "tar", "gzip"}) {
            assumeTrue(new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0, tool);
        }
        Files.writeString(tmp.resolve("eicar.com"), ClamscanCases.EICAR);
        Files.writeString(tmp.resolve("clean.txt"), "clean\n");
        Files.writeString(tmp.resolve("other.txt"), "other\n");
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        String mail = "From: a@b\nTo: c@d\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"XX\"\n\n"
                + "--XX\nContent-Type: application/octet-stream; name=\"e.com\"\nContent-Disposition: attachment; filename=\"e.com\"\n"
                + "Content-Transfer-Encoding: base64\n\n" + Base64.getEncoder().encodeToString(ClamscanCases.EICAR.getBytes(StandardCharsets.US_ASCII))
                + "\n--XX\nContent-Type: text/plain\n\nhello\n--XX--\n";
        Files.writeString(tmp.resolve("m.eml"), mail);
        sh("zip -q both.zip eicar.com clean.txt && zip -q rev.zip clean.txt eicar.com && zip -q cleanonly.zip clean.txt other.txt"
                + " && tar cf t.tar eicar.com clean.txt && tar cf rev.tar clean.txt other.txt eicar.com && gzip -c eicar.com > e.gz"
                + " && tar czf t.tgz clean.txt eicar.com && zip -q nested.zip both.zip t.tar && zip -q -0 inmail.zip m.eml");
        String[] files = {"eicar.com", "both.zip", "rev.zip", "t.tar", "rev.tar", "e.gz", "t.tgz", "nested.zip", "m.eml", "inmail.zip"};
        List<String[]> cases = new ArrayList<>();
        for (String f : files) cases.add(new String[] {f}); // one at a time: an empty clean cache
        List<String> all = new ArrayList<>(List.of("clean.txt", "cleanonly.zip"));
        all.addAll(List.of(files));
        cases.add(all.toArray(String[]::new)); // clean members cached by earlier files shift the levels
        for (String[] c : cases) {
            for (List<String> opts : List.of(List.of("-a"), List.of("-a", "-z"), List.of("-a", "-i"), List.of("--archive-verbose", "--disable-cache"),
                    List.of("-a", "--disable-cache", "-z"), List.of("-a", "-v"), List.of("-a", "-v", "-z"), List.of("-a", "-v", "-i", "-z"))) {
                List<String> args = new ArrayList<>(List.of("--no-summary", "-d", db));
                args.addAll(opts);
                for (String f : c) args.add(tmp.resolve(f).toString());
                String[] a = args.toArray(String[]::new);
                ScanCommandTest.Run want = ScanCommandTest.clamscan(a), got = ScanCommandTest.bulwark(a);
                assertEquals(want.out(), got.out(), String.join(" ", a));
                assertEquals(want.err(), got.err(), String.join(" ", a));
                assertEquals(want.rc(), got.rc(), String.join(" ", a));
            }
        }
        // the lines looked for are there (not two empty outputs agreeing)
        ScanCommandTest.Run r = ScanCommandTest.bulwark("--no-summary", "-d", db, "-a", tmp.resolve("nested.zip").toString());
        assertTrue(r.out().endsWith("nested.zip!ZIP:t.tar!(2)ZIP:clean.txt: Eicar-Test-Signature.UNOFFICIAL FOUND\n"), r.out());
    }

    private void sh(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }
}
