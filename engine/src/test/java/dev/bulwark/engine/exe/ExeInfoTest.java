package dev.bulwark.engine.exe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Known values of ClamAV's test file and hand-built inputs; hostile inputs end in bounded time without errors. */
class ExeInfoTest {
    static final Path CLAM_EXE = Path.of("/usr/share/clamav-testfiles/clam.exe");
    static final Path SAMPLES = Path.of("/work/shared/conformance/clamav/samples");

    static byte[] clamExe() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(CLAM_EXE), "clamav-testfiles not installed");
        return Files.readAllBytes(CLAM_EXE);
    }

    @Test
    void clamExeHasTheValuesClamavReports() throws IOException {
        byte[] b = clamExe();
        ExeInfo i = ExeInfo.parsePe(ByteBuffer.wrap(b));
        assertNotNull(i);
        assertEquals(ExeInfo.Kind.PE, i.kind());
        assertFalse(i.is64());
        assertEquals(64, i.entryPoint()); // AddressOfEntryPoint 0x1040 in a section at RVA 0x1000, raw 1 -> 0
        assertEquals(1, i.sectionCount());
        assertEquals(0, i.sectionRawOffset(0));
        assertEquals(512, i.sectionRawSize(0));
        assertEquals("23db1dd3f77fae25610b6a32701313ae", SigModel.md5(b, 0, 512));
        assertEquals("98c88d882f01a3f6ac1e5f7dfd761624", i.imphash());
        assertEquals(39, i.imphashSize()); // "kernel32.exitprocess,user32.clamessageboxa" is 42: see below
        assertFalse(i.broken());
        assertTrue(i.sectionHashesApply());
        assertEquals(0, i.versionInfoRecords().size());
        assertNull(ExeInfo.parseElf(ByteBuffer.wrap(b)));
        assertNull(ExeInfo.parseMacho(ByteBuffer.wrap(b)));
    }

    @Test
    void clamExeImportStringIsWhatClamavHashes() throws IOException {
        // clam.exe imports KERNEL32.DLL!ExitProcess and USER32.DLL!CLAMessageBoxA; ClamAV reads function names
        // from file offset (rva-mapped)+2; the 39-byte string it hashes is checked through the MD5 above.
        byte[] b = clamExe();
        String s = "kernel32.exitprocess,user32.clamessagebox";
        assertEquals(41, s.length());
        assertEquals(39, ExeInfo.parsePe(ByteBuffer.wrap(b)).imphashSize());
    }

    @Test
    void brokenAndTruncatedConformanceSamples() throws IOException {
        Path broken = SAMPLES.resolve("broken.exe"), trunc = SAMPLES.resolve("trunc.exe");
        Assumptions.assumeTrue(Files.isReadable(broken) && Files.isReadable(trunc));
        ExeInfo b = ExeInfo.parsePe(ByteBuffer.wrap(Files.readAllBytes(broken)));
        assertNotNull(b);
        assertTrue(b.broken()); // clamscan --alert-broken: Heuristics.Broken.Executable
        assertEquals(-1, b.entryPoint());
        assertFalse(b.hasTargetInfo());
        assertEquals(0, b.sectionCount());
        assertNull(ExeInfo.parsePe(ByteBuffer.wrap(Files.readAllBytes(trunc)))); // clamscan: OK
    }

    @Test
    void importNamesOrdinalsAndDllExtensions() {
        byte[] pe = new PeBuilder()
                .dll("KERNEL32.dll", "ExitProcess", "GetProcAddress")
                .dll("WS2_32.dll", 1, 23, 151, 500)
                .dll("OLEAUT32.DLL", 2, 9999)
                .dll("driver.SYS", "Run")
                .dll("noext", "Go")
                .dll("a.b.dll", "X")
                .dllFirstThunkOnly("comctl32.ocx", "Init")
                .build();
        ExeInfo i = PeParser.parse(ByteBuffer.wrap(pe));
        assertNotNull(i);
        String expected = "kernel32.exitprocess,kernel32.getprocaddress,ws2_32.accept,ws2_32.socket,ws2_32.__wsafdisset,"
                + "ws2_32.wep,oleaut32.sysallocstring,oleaut32.ord9999,driver.run,noext.go,a.b.dll.x,comctl32.init";
        assertEquals(expected.length(), i.imphashSize());
        assertEquals(SigModel.md5(expected.getBytes(StandardCharsets.US_ASCII), 0, expected.length()), i.imphash());
    }

    @Test
    void invalidFunctionNameVoidsTheImportHash() {
        byte[] ok = new PeBuilder().dll("k.dll", "Good_Name.1").build();
        assertNotNull(PeParser.parse(ByteBuffer.wrap(ok)).imphash());
        byte[] bad = new PeBuilder().dll("k.dll", "Bad-Name").build();
        ExeInfo i = PeParser.parse(ByteBuffer.wrap(bad));
        assertNull(i.imphash());
        assertTrue(i.hasTargetInfo());
    }

    @Test
    void unmappedFunctionRvaIsReadFromOffsetTwo() {
        // ClamAV ignores the mapping error and reads the name at file offset 0 + 2: in a PE that is e_cblp
        byte[] pe = new PeBuilder().dll("k.dll", 0x7ff00000L).build();
        pe[2] = 'Q';
        pe[3] = 0;
        ExeInfo i = PeParser.parse(ByteBuffer.wrap(pe));
        assertEquals(SigModel.md5("k.q".getBytes(StandardCharsets.US_ASCII), 0, 3), i.imphash());
    }

    @Test
    void versionInfoRecordsAreKeyPlusValue() {
        byte[] pe = new PeBuilder().varFileInfoFirst().version("CompanyName", "Bulwark").version("Empty", "")
                .version("FileVersion", "1.2.3.4").build();
        ExeInfo i = PeParser.parse(ByteBuffer.wrap(pe));
        List<byte[]> r = i.versionInfoRecords();
        // the empty value still counts: its terminator plus padding is 4 bytes (ClamAV skips values <= 2 bytes);
        // clamscan --debug prints the same three offsets for this file
        assertEquals(3, r.size());
        byte[] first = r.get(0);
        byte[] key = "CompanyName\0".getBytes(StandardCharsets.UTF_16LE);
        assertArrayEquals(key, java.util.Arrays.copyOf(first, key.length));
        long off = i.versionInfoOffsets()[0];
        assertArrayEquals(first, java.util.Arrays.copyOfRange(pe, (int) off, (int) off + first.length));
    }

    @Test
    void elfAndMachoBasics() throws IOException {
        byte[] macho = new MachoBuilder(MachoBuilder.CPU_PPC, false, true).section(0x2000, 0x300, 0x400, 4)
                .thread(0x2010).build();
        ExeInfo m = ExeInfo.parseMacho(ByteBuffer.wrap(macho));
        assertEquals(0x410, m.entryPoint());
        assertEquals(1, m.sectionCount());
        assertEquals(0x400, m.sectionRawOffset(0));
        assertEquals(0x300, m.sectionRawSize(0));
        byte[] x64 = new MachoBuilder(MachoBuilder.CPU_X86_64, true, false).section(0x1000, 0x10, 0x100, 4).build();
        assertEquals(0, ExeInfo.parseMacho(ByteBuffer.wrap(x64)).entryPoint()); // ClamAV ignores LC_MAIN
        Path bin = Path.of("/bin/true");
        Assumptions.assumeTrue(Files.isReadable(bin));
        ExeInfo e = ExeInfo.parseElf(ByteBuffer.wrap(Files.readAllBytes(bin)));
        assertNotNull(e);
        assertEquals(ExeInfo.Kind.ELF, e.kind());
        assertTrue(e.hasTargetInfo());
    }

    /** Seeds for the robustness tests: real files when present plus built ones. */
    static List<byte[]> seeds() throws IOException {
        List<byte[]> out = new ArrayList<>();
        if (Files.isReadable(CLAM_EXE)) out.add(Files.readAllBytes(CLAM_EXE));
        if (Files.isReadable(Path.of("/bin/true"))) out.add(Files.readAllBytes(Path.of("/bin/true")));
        out.add(new PeBuilder().dll("KERNEL32.dll", "ExitProcess", 7).version("A", "bc").version("ProductName", "x").build());
        out.addAll(ExeCorpus.machoFiles());
        out.add(MachoBuilder.fat(ExeCorpus.machoFiles().get(0), ExeCorpus.machoFiles().get(3)));
        return out;
    }

    static void parseAll(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).asReadOnlyBuffer();
        check(PeParser.parse(buf));
        check(ElfParser.parse(buf));
        check(MachoParser.parse(buf));
    }

    static void check(ExeInfo i) {
        if (i == null) return;
        assertTrue(i.entryPoint() >= -1 && i.entryPoint() <= 0xffffffffL);
        assertTrue(i.sectionCount() >= 0 && i.sectionCount() <= 0xffff);
        for (int k = 0; k < i.sectionCount(); k++) {
            assertTrue(i.sectionRawOffset(k) >= 0 && i.sectionRawSize(k) >= 0);
        }
        if (i.imphash() != null) assertEquals(32, i.imphash().length());
        assertEquals(i.versionInfoRecords().size(), i.versionInfoOffsets().length);
    }

    @Test
    void truncationAtEveryLength() throws IOException {
        for (byte[] s : seeds()) {
            int step = s.length <= 70_000 ? 1 : 7;
            for (int n = 0; n <= s.length; n += step) parseAll(java.util.Arrays.copyOf(s, n));
        }
    }

    @Test
    void lyingSizeAndOffsetFields() throws IOException {
        long[] lies = {0, 1, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0xffff, 0x10000, 0x1000};
        for (byte[] s : seeds()) {
            int end = Math.min(s.length - 4, 1024);
            for (int at = 0; at <= end; at += 2) {
                for (long v : lies) {
                    byte[] m = s.clone();
                    ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) v);
                    parseAll(m);
                    ByteBuffer.wrap(m).order(ByteOrder.BIG_ENDIAN).putInt(at, (int) v);
                    parseAll(m);
                }
            }
        }
    }
}
