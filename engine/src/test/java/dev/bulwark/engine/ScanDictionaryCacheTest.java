package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (fuzz19) The layers of one scan share one LZMA dictionary: a tar of many tiny xz files and ZWS (LZMA) Flash files,
 * each declaring a 64 MiB dictionary, allocated (and the JVM zeroed) one dictionary per member. 3,000 of each took
 * 15 s of CPU and ran into MaxScanTime, so the EICAR after them was missed; clamscan 1.4.6 finds it in 1-3 s.
 */
class ScanDictionaryCacheTest {
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    /** "hello world" as ZWS, LZMA dictionary 64 MiB, declared length 64 MiB + 8. */
    static final byte[] ZWS = HexFormat.of().parseHex(
            "5a57530a08000004150000005d0000000400341949ee8de917893a336005f7cf64fffb782000");
    /** "hello world" as xz, LZMA2 dictionary 64 MiB (xz -lvv: 65 MiB needed). */
    static final byte[] XZ = HexFormat.of().parseHex("fd377a585a000004e6d6b446020021011c00000010cf58cc01000a68656c6c6f"
            + "20776f726c640000da5223efcd7e03530001230bc21bfd091fb6f37d010000000004595a");

    static byte[] tar(int each) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            for (int i = 0; i < 2 * each + 1; i++) {
                byte[] data = i == 2 * each ? EICAR.getBytes(StandardCharsets.US_ASCII) : i % 2 == 0 ? ZWS : XZ;
                TarArchiveEntry e = new TarArchiveEntry("m" + i);
                e.setSize(data.length);
                t.putArchiveEntry(e);
                t.write(data);
                t.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void tinyLayersDeclaringLargeDictionariesShareOne(@TempDir Path tmp) throws Exception {
        Path db = Files.writeString(tmp.resolve("e.ndb"),
                "Eicar-Test-Signature:0:*:" + HexFormat.of().formatHex(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\n");
        Path f = Files.write(tmp.resolve("many.tar"), tar(20));
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
        ScanResult r = engine.scan(f, ScanOptions.defaults());
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
        assertEquals(List.of("Eicar-Test-Signature.UNOFFICIAL"), r.detections().stream().map(d -> d.name()).toList());
        // before: 40 dictionaries of 64 MiB, 2.6 GB; after: one (and what the scan allocates besides)
        assertTrue(allocated < 400L << 20, "allocated " + allocated + " bytes for 40 tiny LZMA layers");
    }
}
