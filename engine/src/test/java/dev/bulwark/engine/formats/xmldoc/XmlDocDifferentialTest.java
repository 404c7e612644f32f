package dev.bulwark.engine.formats.xmldoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Word/Excel 2003 XML and XDP documents carrying clam.exe in base64, with the variations that decide
 * whether ClamAV gets the payload out (type markers, namespaces, case, ignored subtrees, base64 line
 * layout, malformed XML, references): the whole engine must reach it exactly where clamscan does.
 */
class XmlDocDifferentialTest {
    private static final String SIG = "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n";

    static String b64(byte[] data, int lineLen) {
        String s = Base64.getEncoder().encodeToString(data);
        if (lineLen <= 0) return s;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i += lineLen) {
            if (i > 0) sb.append('\n');
            sb.append(s, i, Math.min(s.length(), i + lineLen));
        }
        return sb.toString();
    }

    static Map<String, String> cases() {
        byte[] exe = Samples.read("clam.exe");
        byte[] padded = new byte[400 + exe.length];
        System.arraycopy(exe, 0, padded, 400, exe.length);
        String e = b64(exe, 76), p = b64(padded, 64), one = b64(exe, 0);
        String decl = "<?xml version=\"1.0\"?>\n";
        String wb = decl + "<Workbook>%s</Workbook>\n";
        byte[] pdf = ("%PDF-1.4\n1 0 obj<</Length 544>>stream\n" + new String(exe, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        String xdp = "<xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\"><pdf><document>%s</document></pdf></xdp:xdp>\n";
        Map<String, String> c = new LinkedHashMap<>();
        c.put("word progid", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<?mso-application progid=\"Word.Document\"?>\n"
                + "<w:wordDocument xmlns:w=\"urn:w\"><w:body><w:binData w:name=\"wordml://x.mso\">" + e + "</w:binData></w:body></w:wordDocument>\n");
        c.put("excel namespace", decl + "<Workbook xmlns:x=\"urn:x\"><x:binData>" + e + "</x:binData></Workbook>\n");
        c.put("excel undeclared prefix", decl + "<Workbook><x:binData>" + e + "</x:binData></Workbook>\n");
        c.put("two-letter prefix root", decl + "<ss:Workbook xmlns:ss=\"urn:s\"><binData>" + e + "</binData></ss:Workbook>\n");
        c.put("upper-case BINDATA", wb.formatted("<BINDATA>" + e + "</BINDATA>"));
        c.put("inside Styles", wb.formatted("<Styles><binData>" + e + "</binData></Styles>"));
        c.put("inside fonts deep", wb.formatted("<fonts><x><binData>" + e + "</binData></x></fonts>"));
        c.put("malformed after", wb.formatted("<binData>" + e + "</binData><bad>"));
        c.put("malformed before", decl + "<Workbook><bad></x><binData>" + e + "</binData></Workbook>\n");
        c.put("CDATA", wb.formatted("<binData><![CDATA[" + e + "]]></binData>"));
        c.put("reference in binData", wb.formatted("<binData>" + e + "&#65;</binData>"));
        c.put("reference elsewhere", wb.formatted("<x>a&amp;b</x><binData>" + e + "</binData><y>&#65;</y>"));
        c.put("comment splits text", wb.formatted("<binData>\n" + e + "\n<!-- c --></binData>"));
        c.put("one line, no newline", wb.formatted("<binData>" + one + "</binData>"));
        c.put("one line then newline", wb.formatted("<binData>" + one + "\n</binData>"));
        c.put("newline then one line", wb.formatted("<binData>\n" + one + "</binData>"));
        c.put("leading garbage group", wb.formatted("<binData>AAAA" + e + "</binData>"));
        c.put("CRLF lines", wb.formatted("<binData>" + p.replace("\n", "\r\n") + "</binData>"));
        c.put("indented lines", wb.formatted("<binData>  \n  " + p.replace("\n", "\n  ") + "</binData>"));
        c.put("invalid char early", wb.formatted("<binData>" + p.replaceFirst("(?s)^(.{140})A", "$1*") + "</binData>"));
        c.put("second binData", wb.formatted("<x><y><binData>QUJD</binData></y></x><binData>" + e + "</binData>"));
        c.put("xdp", decl + xdp.formatted("<chunk>" + b64(pdf, 76) + "</chunk>"));
        c.put("xdp text before root", "hello\n" + xdp.formatted("<chunk>" + b64(pdf, 76) + "</chunk>"));
        c.put("xdp non-pdf chunk first", decl + xdp.formatted("<chunk>" + b64(exe, 76) + "</chunk><chunk>" + b64(pdf, 76) + "</chunk>"));
        c.put("xdp upper-case Chunk", decl + xdp.formatted("<Chunk>" + b64(pdf, 76) + "</Chunk>"));
        c.put("plain xml", decl + "<root><binData>" + e + "</binData></root>\n");
        return c;
    }

    @Test
    void sameVerdictsAsClamscan(@TempDir Path dir) throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan), "apt-get install clamav");
        Path db = dir.resolve("t.ndb");
        Files.writeString(db, SIG);
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        Map<String, String> cases = cases();
        List<String> cmd = new ArrayList<>(List.of(clamscan.toString(), "--no-summary", "-d", db.toString()));
        int i = 0;
        Map<String, Path> files = new LinkedHashMap<>();
        for (var c : cases.entrySet()) {
            Path f = dir.resolve("case" + i++ + ".xml");
            Files.writeString(f, c.getValue(), StandardCharsets.ISO_8859_1);
            files.put(c.getKey(), f);
            cmd.add(f.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Map<String, Boolean> theirs = new LinkedHashMap<>(), ours = new LinkedHashMap<>();
        for (var f : files.entrySet()) {
            theirs.put(f.getKey(), out.contains(f.getValue() + ": ClamAV-Test-Body.UNOFFICIAL FOUND"));
            ours.put(f.getKey(), engine.scan(f.getValue(), ScanOptions.defaults()).infected());
        }
        assertEquals(theirs, ours);
        // the comparison only means something if both outcomes occur
        assertTrue(theirs.containsValue(true) && theirs.containsValue(false), theirs.toString());
    }
}
