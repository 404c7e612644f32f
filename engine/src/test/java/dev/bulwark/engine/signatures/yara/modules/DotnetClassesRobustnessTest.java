package dev.bulwark.engine.signatures.yara.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code dotnet.classes} on broken copies of the C# fixture: truncated at every length, every metadata field and
 * every #Blob byte overwritten with hostile values, TypeSpecs that refer to themselves. The module must finish,
 * never throw, and keep its output self-consistent and within its limits.
 */
class DotnetClassesRobustnessTest {
    static byte[] fixture() throws Exception {
        try (InputStream in = DotnetClassesRobustnessTest.class.getResourceAsStream("/dev/bulwark/engine/signatures/yara/dotnet-classes/Types.dll")) {
            return in.readAllBytes();
        }
    }

    static Map<String, Object> load(byte[] data) {
        return Modules.get("dotnet").load(new ScanInput(data, 0, data.length));
    }

    /** {offset, size} of the named metadata stream of the intact fixture. */
    static long[] stream(byte[] data, String name) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> streams = (List<Map<String, Object>>) load(data).get("streams");
        for (Map<String, Object> s : streams) {
            if (new String((byte[]) s.get("name")).equals(name)) return new long[] {(Long) s.get("offset"), (Long) s.get("size")};
        }
        throw new AssertionError("no stream " + name);
    }

    /** Checks the invariants every output must keep; returns the characters of all its strings. */
    @SuppressWarnings("unchecked")
    static long check(Map<String, Object> m) {
        Object classes = m.get("classes");
        if (classes == null) return 0;
        List<Map<String, Object>> list = (List<Map<String, Object>>) classes;
        assertEquals((long) list.size(), m.get("number_of_classes"));
        long chars = 0;
        for (Map<String, Object> c : list) {
            chars += size(c.get("fullname")) + size(c.get("name")) + size(c.get("namespace"));
            List<Object> bases = (List<Object>) c.get("base_types");
            assertEquals((long) bases.size(), c.get("number_of_base_types"));
            for (Object b : bases) chars += size(b);
            assertEquals((long) ((List<Object>) c.get("generic_parameters")).size(), c.get("number_of_generic_parameters"));
            List<Map<String, Object>> methods = (List<Map<String, Object>>) c.get("methods");
            if (methods == null) continue;
            assertEquals((long) methods.size(), c.get("number_of_methods"));
            for (Map<String, Object> method : methods) {
                assertNotNull(method.get("name"));
                chars += size(method.get("return_type"));
                List<Map<String, Object>> params = (List<Map<String, Object>>) method.get("parameters");
                if (params == null) continue;
                assertEquals((long) params.size(), method.get("number_of_parameters"));
                assertTrue(params.size() <= DotnetSignature.MAX_PARAMS);
                for (Map<String, Object> p : params) chars += size(p.get("type")) + size(p.get("name"));
            }
        }
        return chars;
    }

    private static long size(Object o) {
        return o instanceof byte[] b ? b.length : 0;
    }

    @Test
    void intactFixture() throws Exception {
        Map<String, Object> m = load(fixture());
        assertEquals(21L, m.get("number_of_classes"));
        assertTrue(check(m) > 1000);
    }

    @Test
    void everyTruncation() throws Exception {
        byte[] full = fixture();
        for (int n = 0; n < full.length; n++) check(load(java.util.Arrays.copyOf(full, n)));
    }

    /** Every 2-byte-aligned 32-bit field of the #~ stream (header, row counts, tables) overwritten, both byte orders. */
    @Test
    void lyingTableFields() throws Exception {
        byte[] full = fixture();
        long[] tilde = stream(full, "#~");
        int[] values = {0, 1, 0x7F, 0x4000, 0xFFFF, 0x10000, 0x7FFFFFFF, -1, 15_001};
        for (long off = tilde[0]; off + 4 <= tilde[0] + tilde[1]; off += 2) {
            for (int v : values) {
                for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                    byte[] b = full.clone();
                    ByteBuffer.wrap(b).order(order).putInt((int) off, v);
                    check(load(b));
                }
            }
        }
    }

    /** Every #Blob byte replaced by signature element types, length prefixes and extremes. */
    @Test
    void lyingBlobBytes() throws Exception {
        byte[] full = fixture();
        long[] blob = stream(full, "#Blob");
        int[] values = {0x00, 0x01, 0x0F, 0x10, 0x12, 0x13, 0x14, 0x15, 0x1B, 0x1D, 0x1E, 0x1F, 0x41, 0x45, 0x7F, 0x80, 0xBF, 0xC0, 0xDF, 0xFF};
        for (long off = blob[0]; off < blob[0] + blob[1]; off++) {
            for (int v : values) {
                byte[] b = full.clone();
                b[(int) off] = (byte) v;
                check(load(b));
            }
        }
    }

    /**
     * Every TypeSpec made the same blob: a generic instance whose arguments, as many as the #Blob heap holds, are
     * all that TypeSpec again. Decoded naively (each level costs two of the 16 levels of depth) that is about
     * 360^8 names; the work budget stops it.
     */
    @Test
    void selfReferentialTypeSpecsAreBounded() throws Exception {
        byte[] b = fixture();
        long[] blob = stream(b, "#Blob");
        long[] typeSpec = table(b, 0x1B);
        assertTrue(typeSpec[1] > 0, "the fixture has TypeSpecs");
        for (int i = 0; i < typeSpec[1]; i++) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort((int) (typeSpec[0] + 2L * i), (short) 1);
        int len = (int) blob[1] - 3, args = (len - 4) / 2;
        int p = (int) blob[0] + 1;
        b[p++] = (byte) (0x80 | len >> 8);
        b[p++] = (byte) len;
        b[p++] = 0x15; // GENERICINST
        b[p++] = 0x12; // CLASS
        b[p++] = 0x05; // TypeRef 1 (a base type that resolves, so that the arguments get expanded)
        b[p++] = (byte) (0x80 | args >> 8);
        b[p++] = (byte) args;
        for (int i = 0; i < args; i++) {
            b[p++] = 0x12;
            b[p++] = 0x06;
        }
        Map<String, Object> m = load(b);
        assertEquals(21L, m.get("number_of_classes"), "the types are still reported");
        long chars = check(m);
        assertTrue(chars <= 2 * DotnetSignature.MAX_TYPE_CHARS, "output bounded: " + chars);
    }

    /** {offset, rows} of metadata table t in the intact fixture (2-byte heap and table indexes). */
    static long[] table(byte[] data, int t) {
        long[] tilde = stream(data, "#~");
        ScanInput in = new ScanInput(data, 0, data.length);
        long valid = Bytes.u64(in, tilde[0] + 8);
        long[] rows = new long[64];
        int k = 0;
        for (int bit = 0; bit < 64; bit++) if ((valid >>> bit & 1) != 0) rows[bit] = Bytes.u32(in, tilde[0] + 24 + 4L * k++);
        DotnetMetadata.Sizes z = new DotnetMetadata.Sizes(2, 2, 2, rows);
        long p = tilde[0] + 24 + 4L * k;
        for (int bit = 0; bit < t; bit++) p += (long) DotnetMetadata.rowSize(bit, z) * rows[bit];
        return new long[] {p, rows[t]};
    }
}
