package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The differential tests' common steps: a directory of cases, a one-line database, clamscan and bulwark scan run
 * on both with {@code --no-summary}, their output lines (as a set) and exit codes compared.
 */
final class ClamscanCases {
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    /** A .hdb line naming EICAR's MD5 and size. */
    static final String EICAR_HDB = "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n";
    /** A .ndb line matching EICAR's bytes anywhere in any file type. */
    static final String EICAR_NDB = "Eicar-Body:0:*:" + HexFormat.of().formatHex(EICAR.getBytes(StandardCharsets.ISO_8859_1)) + "\n";

    /**
     * EICAR plus markers at a decoded body's start ("HEADMARK" at 0) and end ("TAILMARK" as the last 8, 9 or 10
     * bytes): where a decoder puts or drops a final byte or line end shows in which Tail signature matches.
     */
    static final String MARKERS_NDB = EICAR_NDB
            + "Head:0:0:" + HexFormat.of().formatHex("HEADMARK".getBytes(StandardCharsets.US_ASCII)) + "\n"
            + "Tail0:0:EOF-8:" + HexFormat.of().formatHex("TAILMARK".getBytes(StandardCharsets.US_ASCII)) + "\n"
            + "Tail1:0:EOF-9:" + HexFormat.of().formatHex("TAILMARKx".getBytes(StandardCharsets.US_ASCII)) + "\n"
            + "Tail2:0:EOF-10:" + HexFormat.of().formatHex("TAILMARKxy".getBytes(StandardCharsets.US_ASCII)) + "\n";

    private ClamscanCases() {}

    /** Skips the test unless clamscan is installed. */
    static void assumeClamscan() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
    }

    /** Skips the test unless clamscan is installed; else creates and returns {@code tmp/cases}. */
    static Path casesDir(Path tmp) throws Exception {
        assumeClamscan();
        return Files.createDirectories(tmp.resolve("cases"));
    }

    /** EICAR between text lines: "hello world" 20 times before it, "trailer text" 20 times after. */
    static String payload() {
        return "hello world\n".repeat(20) + EICAR + "\n" + "trailer text\n".repeat(20);
    }

    /** {@code s} (ISO-8859-1) in MIME base64, 76-character lines ended by LF, with a final LF. */
    static String base64Lines(String s) {
        return Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(s.getBytes(StandardCharsets.ISO_8859_1)) + "\n";
    }

    /**
     * Writes {@code dbLine} to {@code tmp/dbName}, scans {@code dir} with clamscan and bulwark scan
     * ({@code --no-summary -d db dir}), asserts the same set of output lines and the same exit code, and returns
     * clamscan's run.
     */
    static ScanCommandTest.Run compare(Path tmp, String dbName, String dbLine, Path dir) throws Exception {
        return compare(tmp, dbName, dbLine, dir, ClamscanCases::lines);
    }

    /** As {@link #compare(Path, String, String, Path)}, comparing {@code view} of the two outputs. */
    static ScanCommandTest.Run compare(Path tmp, String dbName, String dbLine, Path dir, Function<String, Set<String>> view)
            throws Exception {
        String db = Files.writeString(tmp.resolve(dbName), dbLine).toString();
        String[] args = {"--no-summary", "-d", db, dir.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(args), b = ScanCommandTest.bulwark(args);
        assertEquals(view.apply(c.out()), view.apply(b.out()));
        assertEquals(c.rc(), b.rc());
        return c;
    }

    /** The distinct lines of {@code out}. */
    static Set<String> lines(String out) {
        return new TreeSet<>(Arrays.asList(out.split("\n")));
    }
}
