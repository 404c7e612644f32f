package dev.bulwark.engine.formats.ole2;

import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The module list of a VBA project, read from its decompressed {@code dir} stream (MS-OVBA 2.3.4.2). */
final class VbaProject {
    private static final int PROJECT_CODEPAGE = 0x0003;
    private static final int PROJECT_VERSION = 0x0009;
    private static final int MODULE_NAME = 0x0019;
    private static final int MODULE_STREAM_NAME = 0x001A;
    private static final int MODULE_OFFSET = 0x0031;
    private static final int MODULE_TERMINATOR = 0x002B;
    private static final int MAX_MODULES = 4096; // a project with more modules is not real
    private static final int MAX_DIR = 16 * 1024 * 1024; // decompressed dir streams are a few KiB

    /** One code module: display name, stream name within the VBA storage, offset of the source. */
    record Module(String name, String stream, long offset) {}

    private VbaProject() {}

    static int maxDirBytes() { return MAX_DIR; }

    static List<Module> modules(ByteSink dir) {
        ByteBuffer d = dir.view().order(ByteOrder.LITTLE_ENDIAN);
        List<Module> out = new ArrayList<>();
        Charset cs = StandardCharsets.ISO_8859_1;
        String name = null, stream = null;
        long offset = -1;
        int p = 0, n = d.limit();
        while (p + 6 <= n && out.size() < MAX_MODULES) {
            int id = d.getShort(p) & 0xffff;
            long size = d.getInt(p + 2) & 0xffffffffL;
            p += 6;
            if (id == PROJECT_VERSION) size = 6; // the size field is "reserved" here: 4 + 2 bytes follow
            if (size > n - p) break;
            int len = (int) size;
            switch (id) {
                case PROJECT_CODEPAGE -> { if (len >= 2) cs = codepage(d.getShort(p) & 0xffff); }
                case MODULE_NAME -> { name = string(d, p, len, cs); stream = null; offset = -1; }
                case MODULE_STREAM_NAME -> stream = string(d, p, len, cs);
                case MODULE_OFFSET -> { if (len >= 4) offset = d.getInt(p) & 0xffffffffL; }
                case MODULE_TERMINATOR -> {
                    if (name != null) out.add(new Module(name, stream != null ? stream : name, Math.max(0, offset)));
                    name = null;
                }
                default -> { }
            }
            p += len;
        }
        return out;
    }

    private static String string(ByteBuffer d, int p, int len, Charset cs) {
        byte[] b = new byte[Math.min(len, 1024)];
        d.get(p, b);
        return new String(b, cs);
    }

    private static Charset codepage(int cp) {
        try {
            return switch (cp) {
                case 1252 -> Charset.forName("windows-1252");
                case 65001 -> StandardCharsets.UTF_8;
                default -> Charset.forName("windows-" + cp, Charset.forName("x-windows-" + cp, StandardCharsets.ISO_8859_1));
            };
        } catch (IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }
}
