package dev.bulwark.engine.formats.mime;

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
import java.util.List;
import org.junit.jupiter.api.Test;

class MailExtractorTest {
    private static final MailExtractor X = new MailExtractor();

    private static RecordingContext run(String mail) {
        return Contract.run(X, mail.getBytes(StandardCharsets.ISO_8859_1), FileType.MAIL);
    }

    private static RecordingContext run(byte[] mail, ScanOptions o) {
        return Contract.run(X, mail, FileType.MAIL, o);
    }

    private static List<String> texts(RecordingContext ctx) {
        return ctx.children.stream().map(c -> new String(c.data(), StandardCharsets.ISO_8859_1)).toList();
    }

    private static void assertClamExeChild(RecordingContext ctx, String name) {
        assertTrue(ctx.children.stream().anyMatch(c -> c.info().name().equals(name) && Samples.isClamExe(c.data())),
                "no child '" + name + "' equal to clam.exe among " + ctx.children.stream().map(c -> c.info().name() + ":" + c.data().length).toList());
    }

    @Test
    void mboxBase64() {
        assertClamExeChild(Contract.run(X, Samples.read("clam.exe.mbox.base64"), FileType.MAIL), "clam.exe");
    }

    @Test
    void mboxUuencode() {
        assertClamExeChild(Contract.run(X, Samples.read("clam.exe.mbox.uu"), FileType.MAIL), "clam.exe");
    }

    @Test
    void multipartMail() {
        RecordingContext ctx = Contract.run(X, Samples.read("clam.mail"), FileType.MAIL);
        assertClamExeChild(ctx, "clam.exe");
        // (compat15) exportText ends every line of an unencoded body with '\n', the part's last one too
        assertEquals("This is a ClamAV test file with embedded clam.exe\n", texts(ctx).get(0));
        assertEquals(1, ctx.children.get(0).info().position());
        assertEquals(2, ctx.children.get(1).info().position());
    }

    @Test
    void quotedPrintableAndNestedMultipart() {
        String m = """
                Content-Type: multipart/mixed; boundary="outer"

                preamble
                --outer
                Content-Type: multipart/alternative; boundary=inner

                --inner
                Content-Type: text/plain
                Content-Transfer-Encoding: quoted-printable

                caf=C3=A9 soft=
                break
                --inner--
                --outer
                Content-Type: application/octet-stream
                Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.bin
                Content-Transfer-Encoding: base64

                aGVsbG8g
                d29ybGQ=
                --outer--
                epilogue
                """;
        RecordingContext ctx = run(m);
        // (compat15) ClamAV's quoted-printable decoder ends every line but a soft-broken one with '\n', the part's
        // last one too (MailQuotedPrintableLinesTest compares with clamscan)
        assertEquals(List.of("caf\u00c3\u00a9 softbreak\n", "hello world"), texts(ctx));
        assertEquals("r\u00c3\u00a9sum\u00c3\u00a9.bin", ctx.children.get(1).info().name());
    }

    @Test
    void uuencodeAndYencInsideText() {
        String m = "From: a@b.c\nSubject: x\n\nsee attached\nbegin 644 a.txt\n%:&5L;&\\`\n`\nend\n"
                + "=ybegin line=128 size=5 name=b.bin\n" + yenc("world") + "\n=yend size=5\n";
        RecordingContext ctx = run(m);
        List<String> t = texts(ctx);
        assertTrue(t.contains("hello"), t.toString());
        assertTrue(t.contains("world"), t.toString());
        assertTrue(ctx.children.stream().anyMatch(c -> c.info().name().equals("a.txt")));
        assertTrue(ctx.children.stream().anyMatch(c -> c.info().name().equals("b.bin")));
    }

    @Test
    void binhexInsideText() {
        String hqx = new String(Samples.read("clam.exe.binhex"), StandardCharsets.ISO_8859_1);
        // as ClamAV: only a body that opens with BinHex is decoded as BinHex
        assertTrue(run("From: a@b.c\nSubject: mac file\n\nHere it is:\n\n" + hqx).children.stream().noneMatch(c -> c.info().typeHint() == FileType.BINHEX));
        RecordingContext ctx = run("From: a@b.c\nSubject: mac file\n\n\n" + hqx);
        RecordingContext.Child bh = ctx.children.stream().filter(c -> c.info().typeHint() == FileType.BINHEX).findFirst().orElseThrow();
        RecordingContext inner = Contract.run(new dev.bulwark.engine.formats.binhex.BinHexExtractor(), bh.data(), FileType.BINHEX);
        assertTrue(Samples.isClamExe(inner.children.get(0).data()));
    }

    private static String yenc(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append((char) ((c + 42) & 0xff));
        return sb.toString();
    }

    @Test
    void htmlLinksAreReported() throws Exception {
        Path p = Path.of("/work/shared/conformance/clamav/samples/phish.eml");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(p));
        RecordingContext ctx = Contract.run(X, Files.readAllBytes(p), FileType.MAIL);
        assertEquals(List.of(new RecordingContext.Link("http://evil.example.net/login", "http://www.paypal.com/login")), ctx.links);
        RecordingContext off = Contract.run(X, Files.readAllBytes(p), FileType.MAIL, ScanOptions.defaults().withPhishingUrls(false));
        assertTrue(off.links.isEmpty());
    }

    private static byte[] manyHeaders(int n) {
        StringBuilder sb = new StringBuilder();
        // only headers ClamAV keeps count (checked with clamscan: 1,100 "X-" headers do not)
        sb.append("From: a@b.c\n");
        for (int i = 0; i < n; i++) sb.append("Content-Type: text/plain; h=").append(i).append('\n');
        sb.append("\nbody text here\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void headerCountLimit() {
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.EXCEEDS_MAX, true);
        assertEquals(List.of("Heuristics.Limits.Exceeded.EmailHeaders"), run(manyHeaders(1100), alert).heuristics);
        assertTrue(run(manyHeaders(1100), ScanOptions.defaults()).heuristics.isEmpty());
        assertTrue(run(manyHeaders(1000), alert).heuristics.isEmpty());
        assertEquals(1, run(manyHeaders(1000), alert).children.size());
    }

    @Test
    void headerBytesAndFoldLimits() {
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.EXCEEDS_MAX, true);
        // ClamAV counts the lines of the headers it keeps (clamscan 1.4.6: 350 KB of a folded Content-Type alerts)
        StringBuilder folded = new StringBuilder("From: a@b.c\nContent-Type: text/plain;\n");
        for (int i = 0; i < 500; i++) folded.append(" h").append(i).append("=\"").append("a".repeat(700)).append("\";\n");
        String big = folded + "\nbody\n";
        assertEquals(List.of("Heuristics.Limits.Exceeded.EmailHeaderBytes"),
                run(big.getBytes(StandardCharsets.US_ASCII), alert).heuristics);
        // (compat17) 300 arguments folded over lines alert; on one 1,524-byte line they do not: parseEmailFile reads it
        // 999 bytes at a time, and the second piece is no header (clamscan 1.4.6: OK)
        String arg = "Content-Type: text/plain" + ("\n " + "; a=b".repeat(100)).repeat(3) + "\n\nbody text\n";
        assertEquals(List.of("Heuristics.Limits.Exceeded.EmailMIMEArguments"),
                run(arg.getBytes(StandardCharsets.US_ASCII), alert).heuristics);
        String oneLine = "Content-Type: text/plain" + "; a=b".repeat(300) + "\n\nbody text\n";
        assertTrue(run(oneLine.getBytes(StandardCharsets.US_ASCII), alert).heuristics.isEmpty());
    }

    /**
     * fuzz17: the lines of headers ClamAV does not keep (Subject, X-...; their continuations) are not counted
     * towards EmailHeaderBytes: 300 KB of them hid the body (the limit stopped the parse) where clamscan 1.4.6
     * scans it and alerts nothing, even under --alert-exceeds-max.
     */
    @Test
    void otherHeadersDoNotCountTowardsHeaderBytes() {
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.EXCEEDS_MAX, true);
        String body = "Content-Transfer-Encoding: base64\n\nSGVsbG8gaGlkZGVuIGJvZHk=\n"; // "Hello hidden body"
        StringBuilder many = new StringBuilder("From: a@b.c\n");
        for (int i = 0; i < 40_000; i++) many.append("X-H").append(i).append(": v\n");
        StringBuilder folds = new StringBuilder("From: a@b.c\nX-Long: a\n");
        for (int i = 0; i < 100_000; i++) folds.append(" b\n");
        for (String headers : List.of("From: a@b.c\nSubject: " + "a".repeat(300 * 1024) + "\n", many.toString(), folds.toString())) {
            for (ScanOptions o : List.of(ScanOptions.defaults(), alert)) {
                RecordingContext ctx = run((headers + body).getBytes(StandardCharsets.US_ASCII), o);
                assertTrue(ctx.heuristics.isEmpty(), ctx.heuristics.toString());
                assertEquals(List.of("Hello hidden body"), texts(ctx));
            }
        }
    }

    @Test
    void partsLimit() {
        StringBuilder sb = new StringBuilder("Content-Type: multipart/mixed; boundary=b\n\n");
        for (int i = 0; i < 1100; i++) sb.append("--b\n\npart number ").append(i).append('\n');
        sb.append("--b--\n");
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.EXCEEDS_MAX, true);
        RecordingContext ctx = run(sb.toString().getBytes(StandardCharsets.US_ASCII), alert);
        assertEquals(List.of("Heuristics.Limits.Exceeded.EmailMIMEPartsPerMessage"), ctx.heuristics);
        assertTrue(ctx.children.size() < 1024);
    }

    @Test
    void stopsWhenContextSaysStop() {
        RecordingContext ctx = new RecordingContext();
        ctx.stopAfter = 1;
        X.extract(dev.bulwark.engine.formats.doctest.TestLayer.of(Samples.read("clam.mail"), FileType.MAIL), ctx);
        assertEquals(1, ctx.children.size());
    }

    @Test
    void budgetBoundsDecodedParts() {
        // a 1 MB base64 attachment under a 64 KiB member budget: truncated, never larger
        String body = "QUFB".repeat(256 * 1024);
        String m = "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + body + "\n";
        RecordingContext ctx = run(m.getBytes(StandardCharsets.US_ASCII), Contract.smallBudget(64 * 1024));
        assertEquals(1, ctx.children.size());
        assertEquals(64 * 1024, ctx.children.get(0).data().length);
    }

    @Test
    void truncatedAndCorruptedMail() {
        Contract.truncations(X, Samples.read("clam.mail"), FileType.MAIL);
        Contract.truncations(X, Samples.read("clam.exe.mbox.uu"), FileType.MAIL);
        Contract.flips(X, Samples.read("clam.mail"), FileType.MAIL, 2000);
    }

    @Test
    void deepNestingIsBounded() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) sb.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\n\n--b").append(i).append('\n');
        sb.append("\nleaf text body\n");
        RecordingContext ctx = run(sb.toString().getBytes(StandardCharsets.US_ASCII), ScanOptions.defaults());
        assertTrue(ctx.children.size() <= 1);
    }
}
