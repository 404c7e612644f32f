package dev.bulwark.engine.formats.ole2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated Word-like document with a VBA project: our extraction compared with clamscan's. */
class VbaMacroTest {
    static final String SOURCE = "Attribute VB_Name = \"Module1\"\r\nSub AutoOpen()\r\n  MsgBox \"bulwark-vba-marker-7f3a\"\r\nEnd Sub\r\n";

    /** A dir stream with the records MS-OVBA requires, one module. */
    static byte[] dirStream(String module, int offset) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        rec(b, 0x0001, i32(1));                          // SYSKIND win32
        rec(b, 0x0002, i32(0x409));                      // LCID
        rec(b, 0x0014, i32(0x409));                      // LCIDINVOKE
        rec(b, 0x0003, i16(1252));                       // CODEPAGE
        rec(b, 0x0004, ascii("Project"));                // NAME
        rec(b, 0x0005, new byte[0]); rec(b, 0x0040, new byte[0]); // DOCSTRING (+unicode)
        rec(b, 0x0006, new byte[0]); rec(b, 0x003D, new byte[0]); // HELPFILE (+second)
        rec(b, 0x0007, i32(0));                          // HELPCONTEXT
        rec(b, 0x0008, i32(0));                          // LIBFLAGS
        b.putShort((short) 0x0009).putInt(4).putInt(1).putShort((short) 0); // VERSION (size field reserved)
        rec(b, 0x000C, new byte[0]); rec(b, 0x003C, new byte[0]); // CONSTANTS (+unicode)
        rec(b, 0x000F, i16(1));                          // MODULES count
        rec(b, 0x0013, i16(0xFFFF));                     // PROJECTCOOKIE
        rec(b, 0x0019, ascii(module));                   // MODULENAME
        rec(b, 0x0047, module.getBytes(StandardCharsets.UTF_16LE)); // MODULENAMEUNICODE
        rec(b, 0x001A, ascii(module));                   // MODULESTREAMNAME
        rec(b, 0x0032, module.getBytes(StandardCharsets.UTF_16LE));
        rec(b, 0x001C, new byte[0]); rec(b, 0x0048, new byte[0]); // DOCSTRING
        rec(b, 0x0031, i32(offset));                     // MODULEOFFSET
        rec(b, 0x001E, i32(0));                          // HELPCONTEXT
        rec(b, 0x002C, i16(0xFFFF));                     // COOKIE
        rec(b, 0x0021, new byte[0]);                     // TYPE procedural
        rec(b, 0x002B, new byte[0]);                     // TERMINATOR
        rec(b, 0x0010, new byte[0]);                     // end of modules
        byte[] out = new byte[b.position()];
        b.get(0, out);
        return out;
    }

    private static void rec(ByteBuffer b, int id, byte[] data) {
        b.putShort((short) id).putInt(data.length).put(data);
    }

    private static byte[] i32(int v) { return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(); }
    private static byte[] i16(int v) { return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array(); }
    private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    static byte[] document() {
        int offset = 100; // p-code and performance cache precede the source
        ByteArrayOutputStream module = new ByteArrayOutputStream();
        module.writeBytes(new byte[offset]);
        module.writeBytes(Ole2Builder.vbaCompress(SOURCE.getBytes(StandardCharsets.US_ASCII)));
        byte[] vbaProject = {(byte) 0xCC, 0x61, (byte) 0xFF, (byte) 0xFF, 0x00, 0x00, 0x00};
        return new Ole2Builder()
                .add("WordDocument", new byte[5000])
                .add("Macros/PROJECT", ascii("ID=\"{00000000-0000-0000-0000-000000000000}\"\r\nDocument=ThisDocument/&H00000000\r\nModule=Module1\r\nName=\"Project\"\r\n"))
                .add("Macros/VBA/_VBA_PROJECT", vbaProject)
                .add("Macros/VBA/dir", Ole2Builder.vbaCompress(dirStream("Module1", offset)))
                .add("Macros/VBA/Module1", module.toByteArray())
                .build();
    }

    @Test
    void extractsModuleSourceAndAlerts() {
        byte[] doc = document();
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.MACROS, true);
        RecordingContext ctx = Contract.run(new Ole2Extractor(), doc, FileType.MSOLE2, alert);
        assertEquals(List.of(Ole2Extractor.MACRO_HEURISTIC), ctx.heuristics);
        RecordingContext.Child src = ctx.children.stream().filter(c -> c.info().name().equals("Module1")
                && new String(c.data(), StandardCharsets.US_ASCII).startsWith("Attribute")).findFirst().orElseThrow();
        assertEquals(SOURCE, new String(src.data(), StandardCharsets.US_ASCII));
        assertTrue(Contract.run(new Ole2Extractor(), doc, FileType.MSOLE2).heuristics.isEmpty(), "no alert unless asked");
    }

    @Test
    void truncatedAndCorrupted() {
        byte[] doc = document();
        Contract.truncations(new Ole2Extractor(), doc, FileType.MSOLE2);
        Contract.flips(new Ole2Extractor(), doc, FileType.MSOLE2, 3000);
    }

    @Test
    void clamscanAgrees(@TempDir Path dir) throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan), "clamscan not installed");
        Path f = dir.resolve("macro.doc");
        Files.write(f, document());
        Path db = Files.createDirectory(dir.resolve("db"));
        // a signature on text that only exists in the decompressed module source
        Files.writeString(db.resolve("t.ndb"), "VbaMarker:0:*:" + HexFormat.of().formatHex(ascii("bulwark-vba-marker-7f3a")) + "\n");
        assertEquals("VbaMarker.UNOFFICIAL", clamscan(clamscan, db, f));
        Files.writeString(db.resolve("t.ndb"), "Unused:0:*:7a7a7a7a7a7a7a7a7a7a\n");
        List<String> macro = new ArrayList<>(List.of("--alert-macros"));
        assertEquals(Ole2Extractor.MACRO_HEURISTIC, clamscan(clamscan, db, f, macro.toArray(String[]::new)));
    }

    private static String clamscan(Path exe, Path db, Path file, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--no-summary", "-d", db.toString()));
        cmd.addAll(List.of(extra));
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) {
            if (line.endsWith(" FOUND")) return line.substring(line.indexOf(": ") + 2, line.length() - 6);
        }
        return null;
    }
}
