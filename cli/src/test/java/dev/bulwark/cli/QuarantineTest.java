package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --remove, --move and --copy as clamscan 1.4.6 does them: on the file's real path (a link given on the
 * command line is followed, so the infected file is what goes, not the link), into a destination created
 * 0600 under a free name, across file systems, with clamscan's lines.
 */
class QuarantineTest {
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    /** One scanner's playground: {@code root/a/x.com} (EICAR), {@code root/link -> a/x.com}, {@code root/q/}. */
    record Play(Path root, Path file, Path link, Path q, String db) {
        static Play in(Path root) throws IOException {
            Path a = Files.createDirectories(root.resolve("a"));
            Path file = Files.writeString(a.resolve("x.com"), EICAR);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            Path link = Files.createSymbolicLink(root.resolve("link"), Path.of("a/x.com"));
            Path q = Files.createDirectories(root.resolve("q"));
            String db = Files.writeString(root.resolve("t.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n").toString();
            return new Play(root.toRealPath(), file.toRealPath(), root.toRealPath().resolve("link"), q.toRealPath(), db);
        }
    }

    /** Runs the same command line (built from each scanner's playground) with clamscan and with bulwark scan. */
    private static void both(Path tmp, Function<Play, List<String>> args, java.util.function.BiConsumer<Play, ScanCommandTest.Run> check)
            throws Exception {
        both(tmp, args, check, Function.identity());
    }

    private static void both(Path tmp, Function<Play, List<String>> args, java.util.function.BiConsumer<Play, ScanCommandTest.Run> check,
            Function<String, String> normalise) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        Play c = Play.in(tmp.resolve("c")), b = Play.in(tmp.resolve("b"));
        List<String> ca = new ArrayList<>(List.of("--no-summary", "-d", c.db())), ba = new ArrayList<>(List.of("--no-summary", "-d", b.db()));
        ca.addAll(args.apply(c));
        ba.addAll(args.apply(b));
        ScanCommandTest.Run cr = ScanCommandTest.clamscan(ca.toArray(String[]::new));
        ScanCommandTest.Run br = ScanCommandTest.bulwark(ba.toArray(String[]::new));
        check.accept(c, cr);
        check.accept(b, br);
        assertEquals(cr.rc(), br.rc(), "exit code for " + ba);
        assertEquals(normalise.apply(cr.out().replace(c.root().toString(), "ROOT")),
                normalise.apply(br.out().replace(b.root().toString(), "ROOT")), "lines for " + ba);
        clean(tmp.resolve("c"));
        clean(tmp.resolve("b"));
    }

    private static void clean(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void removeThroughALinkRemovesTheInfectedFile(@TempDir Path tmp) throws Exception {
        both(tmp, p -> List.of("--remove", p.link().toString()), (p, r) -> {
            assertFalse(Files.exists(p.file()), "the infected file is removed\n" + r);
        });
    }

    @Test
    void moveThroughALinkMovesTheInfectedFile(@TempDir Path tmp) throws Exception {
        both(tmp, p -> List.of("--move=" + p.q(), p.link().toString()), (p, r) -> {
            assertFalse(Files.exists(p.file()), "the infected file left its place\n" + r);
            Path moved = p.q().resolve("x.com");
            assertTrue(Files.isRegularFile(moved, LinkOption.NOFOLLOW_LINKS), "quarantined under its real name, not a link\n" + r);
        });
    }

    @Test
    void copiesAreOwnerOnlyAndNamesClashGetSuffixes(@TempDir Path tmp) throws Exception {
        both(tmp, p -> List.of("--copy=" + p.q(), p.file().toString(), p.link().toString()), (p, r) -> {
            try {
                for (String n : List.of("x.com", "x.com.001")) {
                    Path f = p.q().resolve(n);
                    assertTrue(Files.isRegularFile(f), n + "\n" + r);
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), n + "\n" + r);
                }
                assertTrue(Files.exists(p.file()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void moveAcrossFileSystems(@TempDir Path tmp) throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)), "no second file system");
        Path qc = Files.createTempDirectory(shm, "bulwark-q"), qb = Files.createTempDirectory(shm, "bulwark-q");
        try {
            both(tmp, p -> List.of("--move=" + (p.root().endsWith("c") ? qc : qb), p.file().toString()), (p, r) -> {
                Path q = p.root().endsWith("c") ? qc : qb;
                assertFalse(Files.exists(p.file()), "moved away\n" + r);
                assertTrue(Files.isRegularFile(q.resolve("x.com")), "into the quarantine on the other file system\n" + r);
                assertTrue(r.out().contains(": moved to '" + q.resolve("x.com") + "'"), r.out());
            }, out -> out.replace(qc.toString(), "Q").replace(qb.toString(), "Q"));
        } finally {
            clean(qc);
            clean(qb);
        }
    }

    /**
     * (mend13) A link planted at the quarantine name before the scan: like clamscan, the copy goes to the next
     * free name (the reservation is O_EXCL) and the link's target is left alone.
     */
    @Test
    void aLinkPlantedAtTheNameIsSkippedNotFollowed(@TempDir Path tmp) throws Exception {
        both(tmp, p -> {
            try {
                Path victim = Files.writeString(p.root().resolve("victim"), "victim");
                Files.createSymbolicLink(p.q().resolve("x.com"), victim);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return List.of("--copy=" + p.q(), p.file().toString());
        }, (p, r) -> {
            try {
                assertEquals("victim", Files.readString(p.root().resolve("victim")), r.out());
                assertTrue(Files.isRegularFile(p.q().resolve("x.com.001"), LinkOption.NOFOLLOW_LINKS), r.out());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * (mend13) The reserved quarantine file replaced by a link before the copy (someone with write access to the
     * quarantine directory): the copy refuses with a clear error and does not write through the link (the old
     * copyInto opened it with a plain WRITE|TRUNCATE_EXISTING and overwrote the link's target).
     */
    @Test
    void copyIntoRefusesALinkSwappedInAfterTheReservation(@TempDir Path tmp) throws Exception {
        Path from = Files.writeString(tmp.resolve("infected"), EICAR);
        Path victim = Files.writeString(tmp.resolve("victim"), "victim");
        Path reserved = tmp.resolve("q");
        Files.createSymbolicLink(reserved, victim);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Quarantine.copyInto(from, reserved));
        assertTrue(e.getMessage().contains("replaced by a symbolic link; not followed"), e.getMessage());
        assertEquals("victim", Files.readString(victim));
        Path dangling = tmp.resolve("q2");
        Files.createSymbolicLink(dangling, tmp.resolve("nowhere"));
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Quarantine.copyInto(from, dangling));
        assertFalse(Files.exists(tmp.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS), "nothing created through a dangling link");
        Path plain = Files.createFile(tmp.resolve("q3"));
        Quarantine.copyInto(from, plain);
        assertEquals(EICAR, Files.readString(plain));
    }
}
