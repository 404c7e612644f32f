package dev.bulwark.engine.formats.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import dev.bulwark.engine.formats.udf.UdfBuilder.Alloc;
import dev.bulwark.engine.formats.udf.UdfBuilder.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UDF extractor alone, on built images whose expected members follow from ClamAV's reading rules. */
class UdfExtractorTest {
    private static final UdfExtractor X = new UdfExtractor();

    private static List<String> names(RecordingContext ctx) {
        return ctx.children.stream().map(c -> c.info().name()).toList();
    }

    @Test
    void flatImageGivesEveryFileByName() {
        RecordingContext ctx = Contract.run(X, UdfBuilder.image(UdfCases.flat(), Options.PLAIN), FileType.UDF);
        assertEquals(List.of("clam.exe", "readme.txt"), names(ctx));
        assertTrue(Samples.isClamExe(ctx.children.get(0).data()));
        assertArrayEquals(UdfCases.README, ctx.children.get(1).data());
    }

    /** Long and extended descriptors: ClamAV adds the partition start once more, in bytes, to the position. */
    @Test
    void longDescriptorsReadFromWhereClamavReads() {
        for (Alloc a : new Alloc[] {Alloc.LONG, Alloc.EXTENDED}) {
            byte[] img = UdfBuilder.image(UdfCases.flat(), new Options(a, false, false));
            RecordingContext ctx = Contract.run(X, img, FileType.UDF);
            assertEquals(List.of("clam.exe", "readme.txt"), names(ctx), a.toString());
            int data = (UdfBuilder.PARTITION + 6) * UdfBuilder.B + UdfBuilder.PARTITION; // clam.exe's data block is 6
            assertArrayEquals(Arrays.copyOfRange(img, data, data + 544), ctx.children.get(0).data(), a.toString());
        }
    }

    @Test
    void entriesClamavCannotUseEndTheImage() {
        byte[] img = UdfBuilder.image(UdfCases.flat(), new Options(Alloc.EMBEDDED, false, false));
        // the image ends with the file entries: no block with another tag ever ends the file area
        RecordingContext unended = Contract.run(X, img, FileType.UDF);
        assertEquals(List.of(), names(unended));
        assertTrue(unended.notes.stream().anyMatch(n -> n.contains("ends inside")), unended.notes.toString());
        byte[] ended = Arrays.copyOf(img, img.length + UdfBuilder.B);
        ended[img.length] = 'M';
        RecordingContext embedded = Contract.run(X, ended, FileType.UDF);
        assertEquals(List.of(), names(embedded));
        assertTrue(embedded.notes.stream().anyMatch(n -> n.contains("embedded")), embedded.notes.toString());
        // extended file entries are not read at all: nothing to pair with the identifiers
        RecordingContext extended = Contract.run(X, UdfBuilder.image(UdfCases.flat(), new Options(Alloc.SHORT, true, false)), FileType.UDF);
        assertEquals(List.of(), names(extended));
        // a bad first file stops before the second
        for (String c : List.of("lying length", "zero length", "two short descriptors", "position past the end", "long descriptor, other partition")) {
            RecordingContext ctx = Contract.run(X, UdfCases.cases().get(c), FileType.UDF);
            assertEquals(List.of(), names(ctx), c);
            assertEquals(1, ctx.notes.size(), c);
        }
    }

    @Test
    void offsetsWrapAt32Bits() {
        RecordingContext ctx = Contract.run(X, UdfCases.cases().get("position wrapping 32 bits"), FileType.UDF);
        assertEquals(List.of("clam.exe", "readme.txt"), names(ctx));
        assertTrue(Samples.isClamExe(ctx.children.get(0).data()));
    }

    /**
     * Entries and identifiers are paired by their order in the image, not by the identifiers' pointers.
     * Layout: entries root, d1, d2, copy.exe, clam.exe, readme.txt, last.exe; identifiers (root) parent,
     * readme.txt, d1, last.exe, (d1) parent, clam.exe, d2, (d2) parent, copy.exe.
     */
    @Test
    void nestedDirectoriesArePairedInImageOrder() {
        byte[] exe = Samples.read("clam.exe");
        Map<String, byte[]> nested = new LinkedHashMap<>();
        nested.put("readme.txt", UdfCases.README);
        nested.put("d1/clam.exe", exe);
        nested.put("d1/d2/copy.exe", exe);
        nested.put("last.exe", exe);
        RecordingContext ctx = Contract.run(X, UdfBuilder.image(nested, Options.PLAIN), FileType.UDF);
        assertEquals(List.of("readme.txt", "last.exe", "clam.exe"), names(ctx));
        assertEquals(40 + 48 + 44, ctx.children.get(0).data().length, "d1's identifiers: parent, clam.exe, d2");
        assertTrue(Samples.isClamExe(ctx.children.get(1).data()));
        assertArrayEquals(UdfCases.README, ctx.children.get(2).data());
        // directories recorded as extended entries drop out of the pairing
        RecordingContext ext = Contract.run(X, UdfBuilder.image(nested, new Options(Alloc.SHORT, false, true)), FileType.UDF);
        assertEquals(List.of("readme.txt", "last.exe"), names(ext));
        assertTrue(Samples.isClamExe(ext.children.get(0).data()) && Samples.isClamExe(ext.children.get(1).data()));
    }

    @Test
    void volumeSequenceMustBeComplete() {
        for (String c : List.of("no implementation use descriptor", "recognition sequence one sector later", "truncated in the descriptors")) {
            assertEquals(List.of(), names(Contract.run(X, UdfCases.cases().get(c), FileType.UDF)), c);
        }
        // the file set descriptor is optional
        assertEquals(List.of("clam.exe", "readme.txt"), names(Contract.run(X, UdfCases.cases().get("no file set descriptor"), FileType.UDF)));
    }

    @Test
    void membersOverTheBudgetAreNotCopied() {
        RecordingContext ctx = Contract.run(X, UdfCases.cases().get("large file"), FileType.UDF, Contract.smallBudget(1 << 20));
        assertEquals(List.of("clam.exe"), names(ctx));
        assertEquals("large.bin", ctx.skipped.get(0).name());
    }

    @Test
    void stopsWhenTheContextSaysSo() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) files.put("f" + i, ("x" + i).getBytes(StandardCharsets.US_ASCII));
        RecordingContext ctx = new RecordingContext();
        ctx.stopAfter = 2;
        X.extract(dev.bulwark.engine.formats.doctest.TestLayer.of(UdfBuilder.image(files, Options.PLAIN), FileType.UDF), ctx);
        assertEquals(List.of("f0", "f1"), names(ctx));
    }

    @Test
    void hostileImages() {
        for (var c : UdfCases.cases().entrySet()) {
            if (c.getKey().equals("large file") || c.getKey().startsWith("many")) continue; // same code paths, slow to truncate
            Contract.truncations(X, c.getValue(), FileType.UDF);
            Contract.flips(X, c.getValue(), FileType.UDF, 200);
        }
    }

    /** The test images are real UDF: 7-Zip lists the files the builder wrote (it does not read extended descriptors). */
    @Test
    void sevenZipListsTheBuiltImages(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/7z")), "apt-get install p7zip-full");
        Map<String, byte[]> nested = new LinkedHashMap<>();
        nested.put("readme.txt", UdfCases.README);
        nested.put("d1/clam.exe", Samples.read("clam.exe"));
        Path f = dir.resolve("n.img");
        Files.write(f, UdfBuilder.image(nested, Options.PLAIN));
        Process p = new ProcessBuilder("/usr/bin/7z", "l", "-slt", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<String> paths = out.lines().filter(l -> l.startsWith("Path = ") && !l.endsWith(".img")).map(l -> l.substring(7)).toList();
        assertEquals(List.of("d1", "d1/clam.exe", "readme.txt"), paths.stream().sorted().toList(), out);
        assertTrue(out.contains("Type = Udf"), out);
    }
}
