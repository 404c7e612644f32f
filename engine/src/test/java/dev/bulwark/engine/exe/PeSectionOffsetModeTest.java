package dev.bulwark.engine.exe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.Detection;
import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SEx} of a PE {@code .ndb} signature with plain hex goes to ClamAV's Boyer-Moore matcher, which in
 * layers of 256 KiB or more runs in "offset mode" and tries the pattern only at the section's first byte;
 * in smaller layers, and for every signature the Aho-Corasick matcher takes (wildcards, a shift, logical
 * signatures), the whole section counts. Found on mono's System.dll (2.7 MB), reproduced here with a small
 * synthetic PE grown past the limit by an overlay, so the sections themselves do not change.
 */
class PeSectionOffsetModeTest {
    private static final int LIMIT = 256 * 1024;
    private static final int TEXT_RAW = 0x200; // PeBuilder puts .text (0x200 bytes) here
    private static final int MID = TEXT_RAW + 0x100;

    @TempDir
    Path dir;

    /** name -> what we expect ClamAV to report on a layer of the given size. */
    private static Set<String> expected(long layerSize) {
        Set<String> s = new TreeSet<>(List.of("Start", "MidWild", "MidShift", "MidLdb", "MidS0"));
        if (layerSize < LIMIT) s.add("Mid");
        return s;
    }

    private static byte[] pe(int totalSize) {
        byte[] base = new PeBuilder().dll("KERNEL32.dll", "ExitProcess").seed(42).build();
        return new PeBuilder().dll("KERNEL32.dll", "ExitProcess").seed(42).overlay(Math.max(0, totalSize - base.length)).build();
    }

    private Path database(byte[] pe) throws IOException {
        String start = HexFormat.of().formatHex(Arrays.copyOfRange(pe, TEXT_RAW, TEXT_RAW + 16));
        String mid = HexFormat.of().formatHex(Arrays.copyOfRange(pe, MID, MID + 16));
        String wild = mid.substring(0, 14) + "??" + mid.substring(16);
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.write(db.resolve("t.ndb"), List.of(
                "Start:1:SE0:" + start,
                "Mid:1:SE0:" + mid,
                "MidWild:1:SE0:" + wild,
                "MidShift:1:SE0,0:" + mid,
                "MidS0:1:S0+256:" + mid));
        Files.write(db.resolve("t.ldb"), List.of("MidLdb;Engine:51-255,Target:1;0;SE0:" + mid));
        return db;
    }

    private static Set<String> engine(Engine e, byte[] data) {
        Set<String> out = new TreeSet<>();
        for (Detection d : e.scan(data, ScanOptions.defaults().withAllMatch(true)).detections()) {
            out.add(d.name().replace(".UNOFFICIAL", ""));
        }
        return out;
    }

    @Test
    void plainSectionSignatureOnlyAtSectionStartInLargeLayers() throws Exception {
        byte[] small = pe(0);
        Path db = database(small);
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        int[] sizes = {small.length, LIMIT - 1, LIMIT, LIMIT + 1, 3 * LIMIT};
        List<Path> files = new ArrayList<>();
        for (int size : sizes) {
            byte[] b = pe(size);
            assertEquals(size, b.length);
            Path f = dir.resolve("pe-" + size + ".exe");
            Files.write(f, b);
            files.add(f);
            assertEquals(expected(size), engine(engine, b), "layer of " + size + " bytes");
        }
        if (ClamscanRunner.available()) {
            Map<String, Set<String>> clam = ClamscanRunner.scan(db, files, List.of(), dir);
            for (int i = 0; i < sizes.length; i++) {
                assertEquals(expected(sizes[i]), clam.get(files.get(i).toAbsolutePath().toString()),
                        "clamscan on a layer of " + sizes[i] + " bytes");
            }
        }
    }

    /** The limit is about the layer, not the file: a small PE in a large zip, a large PE in a small one. */
    @Test
    void layerSizeDecidesInsideArchives() throws Exception {
        byte[] small = pe(0);
        byte[] large = pe(LIMIT + 100);
        Path db = database(small);
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        byte[] filler = new byte[2 * LIMIT];
        new java.util.Random(7).nextBytes(filler);
        byte[] smallInBigZip = zip(Map.of("a.exe", small, "filler.bin", filler));
        byte[] largeInZip = zip(Map.of("b.exe", large));
        assertEquals(expected(small.length), engine(engine, smallInBigZip));
        assertEquals(expected(large.length), engine(engine, largeInZip));
        if (ClamscanRunner.available()) {
            Path a = dir.resolve("small-in-big.zip"), b = dir.resolve("large-in.zip");
            Files.write(a, smallInBigZip);
            Files.write(b, largeInZip);
            List<String> cmd = List.of(ClamscanRunner.CLAMSCAN.toString(), "--no-summary", "--allmatch", "-d", db.toString(),
                    a.toString(), b.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            assertEquals(expected(small.length), found(out, a));
            assertEquals(expected(large.length), found(out, b));
        }
    }

    private static Set<String> found(String clamscanOutput, Path file) {
        Set<String> s = new TreeSet<>();
        for (String line : clamscanOutput.split("\n")) {
            if (line.startsWith(file + ": ") && line.endsWith(" FOUND")) {
                s.add(line.substring(file.toString().length() + 2, line.length() - 6).replace(".UNOFFICIAL", ""));
            }
        }
        return s;
    }

    private static byte[] zip(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            for (Map.Entry<String, byte[]> m : new java.util.TreeMap<>(members).entrySet()) {
                ZipEntry e = new ZipEntry(m.getKey());
                e.setMethod(ZipEntry.STORED);
                e.setSize(m.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(m.getValue());
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(m.getValue());
                z.closeEntry();
            }
        }
        return bo.toByteArray();
    }
}
