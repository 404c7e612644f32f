package dev.bulwark.engine.exe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Regenerates the fuzz seed corpora: {@code mvn test -Dtest=SeedWriterTest -Dbulwark.writeSeeds=true}. */
class SeedWriterTest {
    static final Path RES = Path.of("src/test/resources/dev/bulwark/engine");

    @Test
    @EnabledIfSystemProperty(named = "bulwark.writeSeeds", matches = "true")
    void writeSeeds() throws Exception {
        Path pe = Files.createDirectories(RES.resolve("exe/ExeFuzzTestInputs/fuzzPe"));
        byte[] crafted = new PeBuilder().dll("KERNEL32.dll", "ExitProcess", 7).dll("WS2_32.dll", 1, 3)
                .version("CompanyName", "Bulwark").version("FileVersion", "1.0").build();
        Files.write(pe.resolve("imports-and-versioninfo.exe"), crafted);
        Files.write(pe.resolve("truncated-in-sections.exe"), java.util.Arrays.copyOf(crafted, 0x1a0));
        byte[] plus = crafted.clone();
        ByteBuffer.wrap(plus).order(ByteOrder.LITTLE_ENDIAN).putShort(0x80 + 24, (short) 0x20b);
        Files.write(pe.resolve("pe32plus-magic.exe"), plus);

        Path elf = Files.createDirectories(RES.resolve("exe/ExeFuzzTestInputs/fuzzElf"));
        Files.write(elf.resolve("elf64le.bin"), elf(true, false));
        Files.write(elf.resolve("elf32be.bin"), elf(false, true));

        Path macho = Files.createDirectories(RES.resolve("exe/ExeFuzzTestInputs/fuzzMacho"));
        var m = ExeCorpus.machoFiles();
        Files.write(macho.resolve("ppc-thread.bin"), m.get(0));
        Files.write(macho.resolve("ppc64-thread.bin"), m.get(1));
        Files.write(macho.resolve("x86_64.bin"), m.get(3));

        Path fat = Files.createDirectories(RES.resolve("formats/macho/MachoUniversalFuzzTestInputs/fuzz"));
        Files.write(fat.resolve("two-slices.bin"), MachoBuilder.fat(m.get(0), m.get(3)));
    }

    /** A minimal ELF: header, one PT_LOAD covering the file, three section headers. */
    static byte[] elf(boolean is64, boolean be) {
        int ehsize = is64 ? 64 : 52, phsize = is64 ? 56 : 32, shsize = is64 ? 64 : 40;
        int phoff = ehsize, shoff = 0x200, size = shoff + 3 * shsize;
        ByteBuffer b = ByteBuffer.allocate(size).order(be ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (be ? 2 : 1), 1});
        b.putShort(16, (short) 2);
        b.putShort(18, (short) (is64 ? 62 : 3));
        b.putInt(20, 1);
        long entry = 0x400100;
        if (is64) {
            b.putLong(24, entry).putLong(32, phoff).putLong(40, shoff);
            b.putShort(52, (short) ehsize).putShort(54, (short) phsize).putShort(56, (short) 1);
            b.putShort(58, (short) shsize).putShort(60, (short) 3).putShort(62, (short) 0);
            b.putInt(phoff, 1).putInt(phoff + 4, 5).putLong(phoff + 8, 0).putLong(phoff + 16, 0x400000)
                    .putLong(phoff + 32, size).putLong(phoff + 40, size);
            for (int i = 1; i < 3; i++) {
                int s = shoff + i * shsize;
                b.putInt(s + 4, 1).putLong(s + 16, 0x400000 + 0x100 * i).putLong(s + 24, 0x100 * i).putLong(s + 32, 0x80);
            }
        } else {
            b.putInt(24, (int) entry).putInt(28, phoff).putInt(32, shoff);
            b.putShort(40, (short) ehsize).putShort(42, (short) phsize).putShort(44, (short) 1);
            b.putShort(46, (short) shsize).putShort(48, (short) 3).putShort(50, (short) 0);
            b.putInt(phoff, 1).putInt(phoff + 4, 0).putInt(phoff + 8, 0x400000).putInt(phoff + 16, size)
                    .putInt(phoff + 20, size);
            for (int i = 1; i < 3; i++) {
                int s = shoff + i * shsize;
                b.putInt(s + 4, 1).putInt(s + 12, 0x400000 + 0x100 * i).putInt(s + 16, 0x100 * i).putInt(s + 20, 0x80);
            }
        }
        return b.array();
    }
}
