package dev.bulwark.cli;

import static dev.bulwark.cli.ClamscanCases.EICAR;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV types a layer POSIX_TAR by "ustar" at offset 257 (its magic rule 0:257:7573746172, no checksum),
 * and that rule wins over the magic of some formats and loses to others. Each case is a tar (a text member,
 * then EICAR) whose first bytes are overwritten with another format's magic (the first header's checksum is
 * then wrong; the tar reader skips it and finds EICAR): clamscan 1.4.6 and bulwark scan give the same lines.
 */
class TarMagicPrecedenceTest {
    @Test
    void sameVerdictsAsClamscan(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bo)) {
            for (String[] m : new String[][] {{"a.txt", "hello".repeat(30)}, {"e.com", EICAR}}) {
                byte[] b = m[1].getBytes(StandardCharsets.ISO_8859_1);
                TarArchiveEntry te = new TarArchiveEntry(m[0]);
                te.setSize(b.length);
                tar.putArchiveEntry(te);
                tar.write(b);
                tar.closeArchiveEntry();
            }
        }
        byte[] base = bo.toByteArray();
        Map<String, byte[]> magic = new LinkedHashMap<>();
        String[][] hex = {{"mz", "4d5a"}, {"zip", "504b0304"}, {"zip-end", "504b0506"}, {"pdf", "255044462d"}, {"elf", "7f454c46"},
                {"rar", "526172211a0700"}, {"gz", "1f8b"}, {"cab4", "4d534346"}, {"cab8", "4d53434600000000"},
                {"ole2", "d0cf11e0a1b11ae1"}, {"bz", "425a68"}, {"7z", "377abcaf271c"}, {"mail", "46726f6d3a20"},
                {"cpio", "303730373031"}, {"cpio-old", "c771"}, {"nero-iso", "0e4e65726f49534f"}, {"xz", "fd377a585a00"},
                {"zstd", "28b52ffd"}, {"lnk", "4c0000000114020000000000c000000000000046"}, {"swf", "465753"}, {"cws", "435753"},
                {"macho", "feedface"}, {"rtf", "7b5c727466"}, {"png", "89504e470d0a1a0a"}, {"gif", "474946383961"},
                {"jpeg", "ffd8ff"}, {"tiff", "49492a00"}, {"riff", "52494646"}, {"arj", "60ea"}, {"chm", "49545346"},
                {"tnef", "789f3e22"}, {"szdd", "535a4444"}, {"screnc", "23407e5e"}, {"aliases", "5b616c69617365735d"},
                {"java", "cafebabe"}, {"text", "68656c6c6f"}};
        for (String[] h : hex) magic.put(h[0], HexFormat.of().parseHex(h[1]));
        for (var e : magic.entrySet()) {
            byte[] b = base.clone();
            System.arraycopy(e.getValue(), 0, b, 0, e.getValue().length);
            Files.write(dir.resolve(e.getKey() + ".tar"), b);
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.hdb", ClamscanCases.EICAR_HDB, dir);
    }
}
