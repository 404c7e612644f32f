package dev.bulwark.engine.formats.ole2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A workbook stream with an Excel 4.0 macro sheet, compared with clamscan --alert-macros. */
class XlmMacroTest {
    static byte[] workbook(int sheetType) {
        ByteBuffer b = ByteBuffer.allocate(5000).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x0809).putShort((short) 16).put(new byte[] {0, 6, 5, 0}).put(new byte[12]); // BOF
        byte[] name = "Macro1".getBytes(StandardCharsets.US_ASCII);
        b.putShort((short) 0x0085).putShort((short) (8 + name.length)).putInt(0).put((byte) 0).put((byte) sheetType)
                .put((byte) name.length).put((byte) 0).put(name);
        b.putShort((short) 0x000A).putShort((short) 0); // EOF
        return b.array();
    }

    static byte[] document(int sheetType) {
        return new Ole2Builder().add("Workbook", workbook(sheetType)).build();
    }

    @Test
    void macroSheetRaisesXlmHeuristic() {
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.MACROS, true);
        assertEquals(List.of(Ole2Extractor.XLM_HEURISTIC), Contract.run(new Ole2Extractor(), document(1), FileType.MSOLE2, alert).heuristics);
        assertTrue(Contract.run(new Ole2Extractor(), document(0), FileType.MSOLE2, alert).heuristics.isEmpty());
        assertTrue(Contract.run(new Ole2Extractor(), document(1), FileType.MSOLE2).heuristics.isEmpty());
    }

    @Test
    void clamscanAgrees(@TempDir Path dir) throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan));
        Path db = Files.createDirectory(dir.resolve("db"));
        Files.writeString(db.resolve("t.ndb"), "Unused:0:*:7a7a7a7a7a7a7a7a7a7a\n");
        for (int type : new int[] {0, 1}) {
            Path f = dir.resolve("b" + type + ".xls");
            Files.write(f, document(type));
            Process p = new ProcessBuilder(clamscan.toString(), "--no-summary", "--alert-macros", "-d", db.toString(), f.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            assertEquals(type == 1, out.contains(Ole2Extractor.XLM_HEURISTIC + " FOUND"), out);
        }
    }
}
