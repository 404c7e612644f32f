package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedTypeFinderTest {
    private static List<EmbeddedTypeFinder.Hit> find(byte[] b, boolean pe) {
        return EmbeddedTypeFinder.find(ByteBuffer.wrap(b), pe, 10_000);
    }

    private static byte[] at(int size, Object... offsetsAndBytes) {
        byte[] b = new byte[size];
        for (int i = 0; i < offsetsAndBytes.length; i += 2) {
            byte[] v = offsetsAndBytes[i + 1] instanceof String s ? s.getBytes(StandardCharsets.ISO_8859_1) : (byte[]) offsetsAndBytes[i + 1];
            System.arraycopy(v, 0, b, (Integer) offsetsAndBytes[i], v.length);
        }
        return b;
    }

    @Test
    void archiveMarkersAnywhere() {
        byte[] b = at(400, 10, "PK\3\4", 50, "Rar!\u001a\u0007\0", 90, "MSCF\0\0\0\0", 130, "7z\u00bc\u00af\u0027\u001c",
                170, new byte[] {0x60, (byte) 0xea, 1, 2, 3, 4, 5, 6, 7, 1, 2});
        List<EmbeddedTypeFinder.Hit> h = find(b, false);
        assertEquals(List.of(FileType.ZIPSFX, FileType.RARSFX, FileType.CABSFX, FileType.SEVENZIPSFX, FileType.ARJSFX),
                h.stream().map(EmbeddedTypeFinder.Hit::type).toList());
        assertEquals(List.of(10, 50, 90, 130, 170), h.stream().map(EmbeddedTypeFinder.Hit::offset).toList());
    }

    @Test
    void arjNeedsItsHeaderBytes() {
        assertTrue(find(at(100, 5, new byte[] {0x60, (byte) 0xea, 1, 2, 3, 4, 5, 6, 7, 3, 2}), false).isEmpty());
    }

    @Test
    void executablesOnlyWhenAskedAndWithinTheGap() {
        byte[] b = at(1000, 100, "MZ", 100 + 2 + 60, "PE\0\0", 500, "MZ", 500 + 2 + 301, "PE\0\0");
        assertTrue(find(b, false).isEmpty());
        List<EmbeddedTypeFinder.Hit> h = find(b, true);
        assertEquals(1, h.size(), h.toString());
        assertEquals(new EmbeddedTypeFinder.Hit(FileType.MSEXE, 100, 166), h.get(0));
    }

    @Test
    void atMostTenObjectsButZipHitsUpToMaxFiles() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 30; i++) s.append("xxMSCF\0\0\0\0");
        assertEquals(EmbeddedTypeFinder.MAX_OBJECTS, find(s.toString().getBytes(StandardCharsets.ISO_8859_1), false).size());
        StringBuilder z = new StringBuilder();
        for (int i = 0; i < 30; i++) z.append("xxPK\3\4");
        assertEquals(30, find(z.toString().getBytes(StandardCharsets.ISO_8859_1), false).size());
        assertEquals(6, EmbeddedTypeFinder.find(ByteBuffer.wrap(z.toString().getBytes(StandardCharsets.ISO_8859_1)), false, 5).size());
    }

    @Test
    void isoNeedsTheSecondDescriptor() {
        assertEquals(FileType.ISO9660, find(at(40000, 32768, "\1CD001", 32768 + 2049, "CD001"), false).get(0).type());
        assertTrue(find(at(40000, 32768, "\1CD001", 32768 + 6 + 2500, "CD001"), false).isEmpty());
    }

    @Test
    void installerMarkers() {
        byte[] nsis = at(100, 20, new byte[] {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde}, 24, "NullsoftInst");
        assertEquals(new EmbeddedTypeFinder.Hit(FileType.NULSFT, 20, 36), find(nsis, false).get(0));
        byte[] au = java.util.HexFormat.of().parseHex("a3484bbe986c4aa9994c530a86d6487d4155332145413036");
        assertEquals(FileType.AUTOIT, find(at(100, 7, au), false).get(0).type());
    }

    @Test
    void mappedLayersGiveTheSameHitsAcrossChunkBoundaries() {
        byte[] b = new byte[300_000];
        for (int at : new int[] {65_535, 131_071, 196_606, 262_143}) System.arraycopy("PK\3\4".getBytes(StandardCharsets.ISO_8859_1), 0, b, at, 4);
        System.arraycopy("MSCF\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, b, 299_992, 8);
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
        List<EmbeddedTypeFinder.Hit> heap = find(b, true);
        assertEquals(5, heap.size(), heap.toString());
        assertEquals(heap, EmbeddedTypeFinder.find(direct, true, 10_000));
    }

    @Test
    void rulesReadingPastAChunkEndMatchInCopiedLayersToo() {
        // a copied layer is searched 64 KiB of positions at a time: rules starting just before a chunk's end read
        // up to ~2.4 KB past it (ISO 9660), 327 bytes (InstallShield), 4 (MZ...PE)
        byte[] b = new byte[3 * 65_536 + 5_000];
        byte[] iso = {1, 'C', 'D', '0', '0', '1'};
        System.arraycopy(iso, 0, b, 65_000, 6);
        System.arraycopy("CD001".getBytes(StandardCharsets.ISO_8859_1), 0, b, 65_000 + 6 + 2_400, 5);
        byte[] is = "InstallShield\0".getBytes(StandardCharsets.ISO_8859_1);
        int msi = 2 * 65_536 - 100;
        System.arraycopy(is, 0, b, msi, is.length);
        b[msi + EmbeddedTypeFinder.ISMSI_FIXED] = 6;
        b[msi + EmbeddedTypeFinder.ISMSI_FIXED + 16 + 4] = 1;
        int mz = 3 * 65_536 - 70;
        b[mz] = 'M';
        b[mz + 1] = 'Z';
        System.arraycopy("PE\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, b, mz + 2 + 100, 4);
        List<EmbeddedTypeFinder.Hit> heap = find(b, true);
        assertEquals(List.of(FileType.ISO9660, FileType.ISHIELD_MSI, FileType.MSEXE), heap.stream().map(EmbeddedTypeFinder.Hit::type).toList(),
                heap.toString());
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
        assertEquals(heap, EmbeddedTypeFinder.find(direct, true, 10_000));
        assertEquals(heap, EmbeddedTypeFinder.find(ByteBuffer.wrap(b).asReadOnlyBuffer(), true, 10_000));
        // a view into a larger array (array offset not 0) gives the same positions
        byte[] padded = new byte[b.length + 17];
        System.arraycopy(b, 0, padded, 17, b.length);
        assertEquals(heap, EmbeddedTypeFinder.find(ByteBuffer.wrap(padded, 17, b.length).slice(), true, 10_000));
    }
}
