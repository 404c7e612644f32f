package dev.bulwark.engine.filetype;

import dev.bulwark.engine.AllMatchDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ZIP layers refined to OOXML types, observed through .cdb rules on the container type, against clamscan. */
class OoxmlRefineTest {
    private static byte[] zip(String... names) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(o)) {
            for (String n : names) {
                z.putNextEntry(new ZipEntry(n));
                z.write(("<x>" + n + "</x>").repeat(20).getBytes(StandardCharsets.US_ASCII));
                z.closeEntry();
            }
        }
        return o.toByteArray();
    }

    private static Map<String, byte[]> samples() throws Exception {
        Map<String, byte[]> m = new TreeMap<>();
        m.put("word.docx", zip("[Content_Types].xml", "word/document.xml"));
        m.put("ppt.pptx", zip("ppt/presentation.xml", "[Content_Types].xml"));
        m.put("xl-late.xlsx", zip("[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "customXml/item.xml", "xl/workbook.xml"));
        m.put("not-likely.zip", zip("a.txt", "b.txt", "c.txt", "xl/workbook.xml"));
        m.put("hwp.hwpx", zip("mimetype", "version.xml", "settings.xml", "Contents/content.hpf"));
        m.put("plain.zip", zip("a.txt", "word.txt"));
        return m;
    }

    @Test
    void unitCases() throws Exception {
        Map<String, byte[]> s = samples();
        assertEquals(FileType.OOXML_WORD, OoxmlRefine.refine(ByteBuffer.wrap(s.get("word.docx"))));
        assertEquals(FileType.OOXML_PPT, OoxmlRefine.refine(ByteBuffer.wrap(s.get("ppt.pptx"))));
        assertEquals(FileType.OOXML_XL, OoxmlRefine.refine(ByteBuffer.wrap(s.get("xl-late.xlsx"))));
        assertEquals(FileType.ZIP, OoxmlRefine.refine(ByteBuffer.wrap(s.get("not-likely.zip"))));
        assertEquals(FileType.ZIP, OoxmlRefine.refine(ByteBuffer.wrap(s.get("plain.zip"))));
    }

    @Test
    void containerTypesAgreeWithClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        Path dir = Files.createDirectories(tmp.resolve("files"));
        for (var e : samples().entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
        Path db = tmp.resolve("t.cdb");
        StringBuilder cdb = new StringBuilder();
        for (String t : new String[] {"ZIP", "OOXML_WORD", "OOXML_PPT", "OOXML_XL", "OOXML_HWP"}) {
            cdb.append("In").append(t).append(":CL_TYPE_").append(t).append(":*:*:*:*:*:*:*:*\n");
        }
        Files.writeString(db, cdb);
        Map<String, Set<String>> clam = AllMatchDiff.clamscan(db, dir), ours = AllMatchDiff.bulwark(db, dir, samples().keySet());
        assertEquals(clam, ours);
    }
}
