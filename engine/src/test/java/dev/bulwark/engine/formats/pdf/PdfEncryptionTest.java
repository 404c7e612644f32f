package dev.bulwark.engine.formats.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Documents encrypted by qpdf: our decryption against clamscan's verdicts. */
class PdfEncryptionTest {
    private static final Path QPDF = Path.of("/usr/bin/qpdf");
    private static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");

    private static Path encrypt(Path dir, String userPassword, String mode) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(QPDF), "qpdf not installed");
        PdfWriter w = PdfWriter.withPage("/Extra 4 0 R /OpenAction 5 0 R");
        w.add("<< /Type /EmbeddedFile >>", Samples.read("clam.exe"));
        w.add("<< /S /JavaScript /JS (bulwark-encrypted-js) >>", null);
        Path plain = dir.resolve("plain.pdf");
        Files.write(plain, w.build(1));
        Path out = dir.resolve("enc-" + mode + ".pdf");
        List<String> cmd = new ArrayList<>(List.of(QPDF.toString(), "--allow-weak-crypto", "--encrypt", userPassword, "owner-pw"));
        switch (mode) {
            case "rc4-40" -> cmd.add("40");
            case "rc4-128" -> cmd.addAll(List.of("128", "--use-aes=n"));
            case "aes-128" -> cmd.addAll(List.of("128", "--use-aes=y"));
            case "aes-256-r5" -> cmd.addAll(List.of("256", "--force-R5"));
            default -> cmd.add("256");
        }
        cmd.addAll(List.of("--", plain.toString(), out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        assertTrue(rc == 0 || rc == 3, "qpdf failed: " + log);
        return out;
    }

    private static String clamscan(Path db, Path file, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CLAMSCAN.toString(), "--no-summary", "-d", db.toString()));
        cmd.addAll(List.of(extra));
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) if (line.endsWith(" FOUND")) return line.substring(line.indexOf(": ") + 2, line.length() - 6);
        return null;
    }

    private static Path hashDb(Path dir) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        byte[] exe = Samples.read("clam.exe");
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(exe));
        Files.writeString(db.resolve("t.hdb"), md5 + ":" + exe.length + ":ClamExe\n");
        return db;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rc4-40", "rc4-128", "aes-128", "aes-256-r5", "aes-256-r6"})
    void emptyUserPasswordDecrypts(String mode, @TempDir Path dir) throws Exception {
        Path f = encrypt(dir, "", mode);
        RecordingContext ctx = Contract.run(PdfExtractorTest.X, Files.readAllBytes(f), FileType.PDF,
                ScanOptions.defaults().withAlert(ScanOptions.Alert.ENCRYPTED_DOC, true));
        assertTrue(ctx.heuristics.isEmpty(), ctx.heuristics.toString());
        assertTrue(ctx.children.stream().anyMatch(c -> Samples.isClamExe(c.data())), PdfExtractorTest.sizes(ctx));
        assertTrue(PdfExtractorTest.hasChild(ctx, "bulwark-encrypted-js".getBytes(StandardCharsets.US_ASCII)), PdfExtractorTest.sizes(ctx));
        if (Files.isExecutable(CLAMSCAN)) {
            assertEquals("ClamExe.UNOFFICIAL", clamscan(hashDb(dir), f, "--alert-encrypted-doc"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rc4-128", "aes-256-r6"})
    void realUserPasswordRaisesTheHeuristic(String mode, @TempDir Path dir) throws Exception {
        Path f = encrypt(dir, "secret", mode);
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.ENCRYPTED_DOC, true);
        RecordingContext ctx = Contract.run(PdfExtractorTest.X, Files.readAllBytes(f), FileType.PDF, alert);
        assertEquals(List.of(PdfExtractor.ENCRYPTED_HEURISTIC), ctx.heuristics);
        assertTrue(ctx.children.stream().noneMatch(c -> Samples.isClamExe(c.data())));
        if (Files.isExecutable(CLAMSCAN)) {
            Path db = hashDb(dir);
            assertEquals(PdfExtractor.ENCRYPTED_HEURISTIC, clamscan(db, f, "--alert-encrypted-doc"));
            assertEquals(null, clamscan(db, f));
        }
    }
}
