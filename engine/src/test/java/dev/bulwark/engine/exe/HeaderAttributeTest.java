package dev.bulwark.engine.exe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.Detection;
import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logical-signature attributes {@code NumberOfSections} and {@code EntryPoint} only apply when ClamAV's
 * target-info header parse succeeded: a PE whose entry point lies outside every section has no section
 * count at all, so {@code NumberOfSections:0-0} must not match it (it used to, as "0 sections").
 */
class HeaderAttributeTest {
    @TempDir
    Path dir;

    private static final String[] LDB = {
        "Nos0;Engine:51-255,Target:1,NumberOfSections:0-0;0;0:4d5a0000",
        "Nos3;Engine:51-255,Target:1,NumberOfSections:3-3;0;0:4d5a0000",
        "NosAny;Engine:51-255,Target:1,NumberOfSections:0-65535;0;0:4d5a0000",
        "EpAny;Engine:51-255,Target:1,EntryPoint:0-4294967295;0;0:4d5a0000",
        "Plain;Engine:51-255,Target:1;0;0:4d5a0000",
    };

    @Test
    void attributesNeedParsedHeaders() throws Exception {
        byte[] good = new PeBuilder().dll("KERNEL32.dll", "ExitProcess").seed(3).build();
        byte[] badEp = good.clone();
        ByteBuffer.wrap(badEp).order(ByteOrder.LITTLE_ENDIAN).putInt(0x80 + 24 + 16, 0x00900000); // EP in no section
        assertEquals(-1, ExeInfo.parsePe(ByteBuffer.wrap(badEp)).entryPoint());

        Set<String> expectGood = Set.of("Nos3", "NosAny", "EpAny", "Plain");
        Set<String> expectBad = Set.of("Plain");
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.write(db.resolve("t.ldb"), List.of(LDB));
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        assertEquals(expectGood, names(engine, good));
        assertEquals(expectBad, names(engine, badEp));
        if (ClamscanRunner.available()) {
            Path g = dir.resolve("good.exe"), b = dir.resolve("bad-ep.exe");
            Files.write(g, good);
            Files.write(b, badEp);
            Map<String, Set<String>> clam = ClamscanRunner.scan(db, List.of(g, b), List.of(), dir);
            assertEquals(expectGood, clam.get(g.toAbsolutePath().toString()));
            assertEquals(expectBad, clam.get(b.toAbsolutePath().toString()));
        }
    }

    private static Set<String> names(Engine e, byte[] data) {
        Set<String> out = new TreeSet<>();
        for (Detection d : e.scan(data, ScanOptions.defaults().withAllMatch(true)).detections()) {
            out.add(d.name().replace(".UNOFFICIAL", ""));
        }
        return out;
    }
}
