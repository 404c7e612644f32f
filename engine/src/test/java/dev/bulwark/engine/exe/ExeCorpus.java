package dev.bulwark.engine.exe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/** Executables found on this machine, crafted Mach-O files, and seeded header mutations of all of them. */
final class ExeCorpus {
    private ExeCorpus() {}

    static final Path TESTFILES = Path.of("/usr/share/clamav-testfiles");
    private static final long MAX_FILE = 4L << 20; // keep the differential run quick

    /**
     * PE files: ClamAV's test files first, then .exe/.dll/.efi/.sys found under a few roots; the roots can be
     * replaced with {@code -Dbulwark.exe.peRoots=/a,/b} to look at other files.
     */
    static List<Path> peFiles(int max) throws IOException {
        List<Path> out = new ArrayList<>();
        String custom = System.getProperty("bulwark.exe.peRoots");
        List<Path> roots = custom == null
                ? List.of(TESTFILES, Path.of("/usr/lib"), Path.of("/usr/share"), Path.of("/root/.pyenv"), Path.of("/opt"))
                : java.util.Arrays.stream(custom.split(",")).map(Path::of).toList();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) continue;
            // clam_IS*.exe carry InstallShield overlays: with --max-recursion=1 ClamAV aborts cli_scanpe at the
            // overlay child (recursion limit) before the import scan, an artifact of the test's settings
            try (Stream<Path> s = Files.find(root, 12, (p, a) -> a.isRegularFile() && a.size() > 64 && a.size() <= MAX_FILE
                    && hasPeName(p) && !p.getFileName().toString().startsWith("clam_IS"))) {
                s.sorted().forEach(p -> { if (out.size() < max && startsWith(p, new byte[] {'M', 'Z'})) out.add(p); });
            } catch (java.io.UncheckedIOException e) {
                // unreadable directory somewhere under the root: use what was found
            }
        }
        return out;
    }

    private static boolean hasPeName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".exe") || n.endsWith(".dll") || n.endsWith(".efi") || n.endsWith(".sys");
    }

    /** Every k-th ELF file of /usr/bin and /usr/lib/x86_64-linux-gnu, up to {@code max}. */
    static List<Path> elfFiles(int max) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path dir : List.of(Path.of("/usr/bin"), Path.of("/usr/lib/x86_64-linux-gnu"))) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> Files.isRegularFile(p) && !Files.isSymbolicLink(p)).sorted().forEach(p -> {
                    try {
                        if (Files.size(p) <= MAX_FILE && startsWith(p, new byte[] {0x7f, 'E', 'L', 'F'})) all.add(p);
                    } catch (IOException e) {
                        // skip
                    }
                });
            }
        }
        List<Path> out = new ArrayList<>();
        int step = Math.max(1, all.size() / Math.max(1, max));
        for (int i = 0; i < all.size() && out.size() < max; i += step) out.add(all.get(i));
        return out;
    }

    static boolean startsWith(Path p, byte[] magic) {
        try (var in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(magic.length);
            return java.util.Arrays.equals(b, magic);
        } catch (IOException e) {
            return false;
        }
    }

    /** Thin Mach-O files covering the entry-point rules of each CPU type. */
    static List<byte[]> machoFiles() {
        List<byte[]> out = new ArrayList<>();
        out.add(new MachoBuilder(MachoBuilder.CPU_PPC, false, true).section(0x2000, 0x300, 0x400, 4)
                .section(0x3000, 0x100, 0x800, 2).thread(0x2010).seed(1).build());
        out.add(new MachoBuilder(MachoBuilder.CPU_PPC64, true, true).section(0x5000, 0x400, 0x600, 3)
                .thread(0x5100).seed(2).build());
        out.add(new MachoBuilder(MachoBuilder.CPU_X86, false, false).section(0x1000, 0x500, 0x200, 4)
                .thread(0x1010).seed(3).build());
        out.add(new MachoBuilder(MachoBuilder.CPU_X86_64, true, false).section(0x100001000L, 0x700, 0x300, 4)
                .section(0x100002000L, 0x100, 0xa00, 0).seed(4).build());
        out.add(new MachoBuilder(MachoBuilder.CPU_ARM64, true, false).section(0x4000, 0x333, 0x500, 2).seed(5).build());
        out.add(new MachoBuilder(MachoBuilder.CPU_PPC, false, true).thread(0x1234).seed(6).build()); // no sections
        out.add(new MachoBuilder(MachoBuilder.CPU_PPC, false, true).section(0x2000, 0x100, 0x400, 2)
                .thread(0x9000).seed(7).build()); // EP outside every section
        out.add(new MachoBuilder(MachoBuilder.CPU_PPC, false, false).section(0x2000, 0x123, 0x400, 5)
                .thread(0x2100).seed(8).build()); // little-endian PPC
        return out;
    }

    /** PE files built to exercise import-hash, VERSIONINFO and large-layer rules. */
    static List<byte[]> craftedPe() {
        List<byte[]> out = new ArrayList<>();
        out.add(new PeBuilder().dll("KERNEL32.dll", "ExitProcess", "GetProcAddress").dll("WS2_32.dll", 1, 23, 151, 500)
                .dll("OLEAUT32.DLL", 2, 9999).dll("driver.SYS", "Run").dll("noext", "Go").dll("a.b.dll", "X")
                .dllFirstThunkOnly("comctl32.ocx", "Init").seed(11).build());
        out.add(new PeBuilder().dll("wsock32.dll", 3, 4, 115).dll("k.dll", "Bad-Name").seed(12).build());
        out.add(new PeBuilder().dll("k.dll", 0x7ff00000L, "Fine").seed(13).build());
        out.add(new PeBuilder().varFileInfoFirst().version("CompanyName", "Bulwark Test Corp").version("Empty", "")
                .version("FileVersion", "1.2.3.4").version("ProductName", "Differential").seed(14).build());
        out.add(new PeBuilder().dll("user32.dll", "MessageBoxA").version("OriginalFilename", "probe.exe")
                .version("X", "y").seed(15).build());
        // past 256 KiB ClamAV's PE Boyer-Moore matcher runs in offset mode (SEx only at the section start)
        out.add(new PeBuilder().dll("KERNEL32.dll", "Sleep").version("FileVersion", "9.9").seed(16).overlay(300_000).build());
        return out;
    }

    /** Applies 1-3 header mutations (or a truncation) to a copy of {@code seed}. */
    static byte[] mutate(byte[] seed, int target, Random r) {
        byte[] b = seed.clone();
        if (r.nextInt(5) == 0) return java.util.Arrays.copyOf(b, r.nextInt(Math.min(b.length, 1024) + 1));
        if (r.nextInt(4) == 0) { // a few random bytes anywhere: import tables, resources, section data
            for (int i = 1 + r.nextInt(8); i > 0; i--) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            return b;
        }
        int count = 1 + r.nextInt(3);
        for (int i = 0; i < count; i++) {
            int[] f = switch (target) {
                case 1 -> peField(b, r);
                case 6 -> elfField(b, r);
                default -> machoField(b, r);
            };
            if (f == null || f[0] < 0 || f[0] + f[1] > b.length) continue;
            long orig = read(b, f[0], f[1], f[2] == 1);
            long v = switch (r.nextInt(12)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> 0x200;
                case 3 -> 0x1000;
                case 4 -> 0x7fffffffL;
                case 5 -> 0x80000000L;
                case 6 -> 0xffffffffL;
                case 7 -> b.length;
                case 8 -> b.length - 1;
                case 9 -> orig + 1;
                case 10 -> orig - 1;
                default -> r.nextLong();
            };
            write(b, f[0], f[1], v, f[2] == 1);
        }
        return b;
    }

    /** {offset, width, bigEndian} of a PE header field. */
    private static int[] peField(byte[] b, Random r) {
        if (b.length < 64) return null;
        int lfanew = (int) read(b, 60, 4, false);
        if (r.nextInt(10) == 0 || lfanew < 0 || lfanew > b.length - 24) return new int[] {60, 4, 0};
        int opt = lfanew + 24;
        int optSize = (int) read(b, lfanew + 20, 2, false);
        int secs = opt + optSize;
        boolean pe64 = opt + 2 <= b.length && read(b, opt, 2, false) == 0x20b;
        int dirs = opt + (pe64 ? 112 : 96);
        int[][] fields = {
            {lfanew + 6, 2}, {lfanew + 20, 2}, {opt, 2}, {opt + 16, 4}, {opt + 32, 4}, {opt + 36, 4}, {opt + 60, 4},
            {opt + 68, 2}, {pe64 ? opt + 108 : opt + 92, 4}, {dirs + 8, 4}, {dirs + 12, 4}, {dirs + 16, 4}, {dirs + 20, 4},
            {secs + 8 + 40 * r.nextInt(3), 4}, {secs + 12 + 40 * r.nextInt(3), 4}, {secs + 16 + 40 * r.nextInt(3), 4},
            {secs + 20 + 40 * r.nextInt(3), 4},
        };
        int[] f = fields[r.nextInt(fields.length)];
        return new int[] {f[0], f[1], 0};
    }

    private static int[] elfField(byte[] b, Random r) {
        if (b.length < 64) return null;
        boolean is64 = b[4] == 2;
        int be = b[5] == 1 ? 0 : 1;
        int[][] fields = is64
            ? new int[][] {{4, 1}, {5, 1}, {24, 8}, {32, 8}, {40, 8}, {54, 2}, {56, 2}, {58, 2}, {60, 2},
                {64 + 8 + 56 * r.nextInt(3), 8}, {64 + 16 + 56 * r.nextInt(3), 8}, {64 + 40 + 56 * r.nextInt(3), 8}}
            : new int[][] {{4, 1}, {5, 1}, {24, 4}, {28, 4}, {32, 4}, {42, 2}, {44, 2}, {46, 2}, {48, 2},
                {52 + 4 + 32 * r.nextInt(3), 4}, {52 + 8 + 32 * r.nextInt(3), 4}, {52 + 20 + 32 * r.nextInt(3), 4}};
        int[] f = fields[r.nextInt(fields.length)];
        return new int[] {f[0], f[1], f[1] == 1 ? 0 : be};
    }

    private static int[] machoField(byte[] b, Random r) {
        if (b.length < 32) return null;
        int be = (b[0] & 0xff) == 0xfe ? 1 : 0;
        boolean m64 = (b[3] & 0xff) == 0xcf || (b[0] & 0xff) == 0xcf;
        int cmd0 = m64 ? 32 : 28;
        int sect0 = cmd0 + (m64 ? 72 : 56);
        int[][] fields = {
            {4, 4}, {16, 4}, {cmd0, 4}, {cmd0 + 4, 4}, {cmd0 + (m64 ? 64 : 48), 4},
            {sect0 + 32, 4}, {sect0 + (m64 ? 40 : 36), 4}, {sect0 + (m64 ? 48 : 40), 4}, {sect0 + (m64 ? 52 : 44), 4},
        };
        int[] f = fields[r.nextInt(fields.length)];
        return new int[] {f[0], f[1], be};
    }

    static long read(byte[] b, int off, int w, boolean be) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(be ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        return switch (w) {
            case 1 -> bb.get(off) & 0xff;
            case 2 -> bb.getShort(off) & 0xffff;
            case 4 -> bb.getInt(off) & 0xffffffffL;
            default -> bb.getLong(off);
        };
    }

    static void write(byte[] b, int off, int w, long v, boolean be) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(be ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        switch (w) {
            case 1 -> bb.put(off, (byte) v);
            case 2 -> bb.putShort(off, (short) v);
            case 4 -> bb.putInt(off, (int) v);
            default -> bb.putLong(off, v);
        }
    }
}
