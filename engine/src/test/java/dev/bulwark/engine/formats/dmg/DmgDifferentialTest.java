package dev.bulwark.engine.formats.dmg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.dmg.DmgBuilder.Part;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DMG images hiding clam.exe in compressed partitions: the engine must reach it exactly where clamscan does. */
class DmgDifferentialTest {
    private static final String SIG = "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n";

    static Map<String, byte[]> cases() throws Exception {
        byte[] exe = DmgBuilder.pad(Samples.read("clam.exe"));
        long sec = exe.length / 512;
        byte[] bz;
        {
            var bo = new java.io.ByteArrayOutputStream();
            try (var c = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(bo)) {
                c.write(exe);
            }
            bz = bo.toByteArray();
        }
        Part zlib = new Part(Stripes.DEFLATE, DmgBuilder.zlib(exe), sec);
        byte[] corrupt = DmgBuilder.zlib(exe);
        for (int i = 10; i < 18; i++) corrupt[i] = (byte) 0xFF;
        Map<String, byte[]> c = new LinkedHashMap<>();
        UnaryOperator<String> same = s -> s;
        c.put("zlib", DmgBuilder.image(List.of(zlib), same));
        c.put("bzip2", DmgBuilder.image(List.of(new Part(Stripes.BZIP2, bz, sec)), same));
        c.put("adc literals", DmgBuilder.image(List.of(new Part(Stripes.ADC, DmgBuilder.adc(exe, false), sec)), same));
        c.put("adc references", DmgBuilder.image(List.of(new Part(Stripes.ADC, DmgBuilder.adc(exe, true), sec)), same));
        c.put("corrupt zlib", DmgBuilder.image(List.of(new Part(Stripes.DEFLATE, corrupt, sec)), same));
        c.put("second partition", DmgBuilder.image(List.of(new Part(Stripes.DEFLATE, DmgBuilder.zlib(new byte[1024]), 2), zlib), same));
        c.put("corrupt first partition", DmgBuilder.image(List.of(new Part(Stripes.DEFLATE, corrupt, sec), zlib), same));
        c.put("key not blkx", DmgBuilder.image(List.of(zlib), s -> s.replace("<key>blkx</key>", "<key>plst</key>")));
        c.put("dict container", DmgBuilder.image(List.of(zlib), s -> s.replace("<array>", "<dict>").replace("</array>", "</dict>")));
        c.put("malformed after data", DmgBuilder.image(List.of(zlib), s -> s.replace("</plist>", "</plst>")));
        c.put("malformed before data", DmgBuilder.image(List.of(zlib), s -> s.replace("<key>Attributes</key>", "<key>Attributes</kex>")));
        c.put("empty data element", DmgBuilder.image(List.of(zlib), s -> s.replaceFirst("(?s)<data>.*?</data>", "<data/>")));
        c.put("data key in wrong case", DmgBuilder.image(List.of(zlib), s -> s.replace("<key>Data</key>", "<key>data</key>")));
        c.put("too few sectors", DmgBuilder.image(List.of(new Part(Stripes.DEFLATE, DmgBuilder.zlib(exe), 0)), same));
        c.put("zero-sector zlib and stored", DmgBuilder.image(List.of(new Part(Stripes.STORED, new byte[0], 1), zlib), same));
        return c;
    }

    @Test
    void sameVerdictsAsClamscan(@TempDir Path dir) throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan), "apt-get install clamav");
        Path db = dir.resolve("t.ndb");
        Files.writeString(db, SIG);
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        List<String> cmd = new ArrayList<>(List.of(clamscan.toString(), "--no-summary", "-d", db.toString()));
        Map<String, Path> files = new LinkedHashMap<>();
        int i = 0;
        for (var c : cases().entrySet()) {
            Path f = dir.resolve("case" + i++ + ".dmg");
            Files.write(f, c.getValue());
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
        assertTrue(theirs.containsValue(true) && theirs.containsValue(false), theirs.toString());
    }

    @Test
    void rebuildsThePartitionExactly() throws Exception {
        byte[] img = cases().get("adc references");
        RecordingContext ctx = Contract.run(new DmgExtractor(), img, FileType.DMG);
        assertEquals(2, ctx.children.size()); // the property list, then the partition
        byte[] part = ctx.children.get(1).data();
        assertEquals(FileType.PART_ANY, ctx.children.get(1).info().typeHint());
        assertTrue(Samples.isClamExe(java.util.Arrays.copyOf(part, 544)));
    }

    @Test
    void hostileImages() throws Exception {
        for (byte[] img : cases().values()) {
            Contract.truncations(new DmgExtractor(), img, FileType.DMG);
            Contract.flips(new DmgExtractor(), img, FileType.DMG, 300);
        }
        // a partition claiming 2^40 sectors is refused by the budget, not allocated
        byte[] huge = DmgBuilder.image(List.of(new Part(Stripes.DEFLATE, DmgBuilder.zlib(new byte[512]), 1L << 40)), s -> s);
        RecordingContext ctx = Contract.run(new DmgExtractor(), huge, FileType.DMG, Contract.smallBudget(1 << 20));
        assertEquals(1, ctx.children.size());
        assertTrue(ctx.notes.stream().anyMatch(n -> n.contains("over the size limit")), ctx.notes.toString());
    }
}
