package dev.bulwark.engine.signatures.yara.modules;

/** libmagic-style descriptions of PE, ELF and Mach-O headers for the magic module. */
final class ExeDescriptions {
    private ExeDescriptions() {}

    /** {description, MIME type}, or null when the data is not an executable with a recognisable header. */
    static String[] describe(ScanInput in) {
        if (Bytes.u16(in, 0) == 0x5A4D) return pe(in);
        if (Bytes.u32be(in, 0) == 0x7F454C46L) return elf(in);
        long magic = Bytes.u32be(in, 0);
        if (magic == 0xfeedfaceL || magic == 0xcefaedfeL || magic == 0xfeedfacfL || magic == 0xcffaedfeL) return macho(in);
        if (magic == 0xcafebabeL) {
            long n = Bytes.u32be(in, 4);
            if (n > 0 && n < 20) return new String[] {"Mach-O universal binary with " + n + " architecture" + (n == 1 ? "" : "s"), "application/x-mach-binary"};
            if (n >= 0) return new String[] {"compiled Java class data", "application/x-java-applet"};
        }
        if (magic == 0x6465780aL) return new String[] {"Dalvik dex file", "application/vnd.android.dex"};
        return null;
    }

    private static String[] pe(ScanInput in) {
        PeFile pe = PeFile.parse(in);
        String mime = "application/vnd.microsoft.portable-executable";
        if (pe == null) return new String[] {"MS-DOS executable", "application/x-dosexec"};
        StringBuilder sb = new StringBuilder(pe.magic == 0x20b ? "PE32+ executable" : "PE32 executable");
        if ((pe.characteristics & 0x2000) != 0) sb.append(" (DLL)");
        String sub = switch (pe.optU16(68)) {
            case 1 -> "native";
            case 2 -> "GUI";
            case 3 -> "console";
            case 7 -> "POSIX";
            case 9 -> "Windows CE GUI";
            case 10 -> "EFI application";
            case 11 -> "EFI boot service driver";
            case 12 -> "EFI runtime driver";
            case 13 -> "EFI ROM";
            case 16 -> "boot application";
            default -> null;
        };
        if (sub != null) sb.append(" (").append(sub).append(')');
        String machine = switch (pe.machine) {
            case 0x14c -> "Intel 80386";
            case 0x8664 -> "x86-64";
            case 0x1c0 -> "ARM";
            case 0x1c4 -> "ARMv7 Thumb";
            case 0xaa64 -> "Aarch64";
            case 0x200 -> "Intel Itanium";
            default -> null;
        };
        if (machine != null) sb.append(' ').append(machine);
        if ((pe.characteristics & 0x0200) != 0) sb.append(" (stripped to external PDB)");
        if (pe.directory(14) != null) sb.append(" Mono/.Net assembly");
        return new String[] {sb.append(", for MS Windows").toString(), mime};
    }

    private static String[] elf(ScanInput in) {
        int cls = Bytes.u8(in, 4), data = Bytes.u8(in, 5);
        if (cls < 1 || cls > 2 || data < 1 || data > 2) return new String[] {"ELF", "application/octet-stream"};
        boolean be = data == 2;
        int type = be ? Bytes.u16be(in, 16) : Bytes.u16(in, 16), machine = be ? Bytes.u16be(in, 18) : Bytes.u16(in, 18);
        StringBuilder sb = new StringBuilder("ELF ").append(cls == 1 ? "32" : "64").append("-bit ").append(be ? "MSB " : "LSB ");
        String mime;
        switch (type) {
            case 1 -> {
                sb.append("relocatable");
                mime = "application/x-object";
            }
            case 2 -> {
                sb.append("executable");
                mime = "application/x-executable";
            }
            case 3 -> {
                boolean pie = ElfFile.parse(in) instanceof ElfFile f && pie(f);
                sb.append(pie ? "pie executable" : "shared object");
                mime = pie ? "application/x-pie-executable" : "application/x-sharedlib";
            }
            case 4 -> {
                sb.append("core file");
                mime = "application/x-coredump";
            }
            default -> {
                sb.append("*unknown*");
                mime = "application/octet-stream";
            }
        }
        String m = switch (machine) {
            case 3 -> "Intel 80386";
            case 62 -> "x86-64";
            case 40 -> "ARM";
            case 183 -> "ARM aarch64";
            case 8 -> "MIPS";
            case 20 -> "PowerPC or cisco 4500";
            case 21 -> "64-bit PowerPC or cisco 7500";
            case 2 -> "SPARC";
            case 243 -> "UCB RISC-V";
            default -> null;
        };
        if (m != null) sb.append(", ").append(m);
        return new String[] {sb.toString(), mime};
    }

    private static final int MAX_DYNAMIC = 65_536; // dynamic entries looked at; real files have under 100
    private static final long DT_FLAGS_1 = 0x6ffffffbL, DF_1_PIE = 0x08000000L;

    /** Whether the dynamic section has DT_FLAGS_1 with DF_1_PIE, which is how libmagic tells PIE from a library. */
    private static boolean pie(ElfFile f) {
        for (int i = 0; f.hasSegment(i) && i < ElfFile.MAX_HEADERS; i++) {
            if (f.phType(i) != 2) continue;
            int w = f.is64 ? 8 : 4;
            long off = f.phOffset(i), n = Math.min(f.phFilesz(i) / (2L * w), MAX_DYNAMIC);
            for (long k = 0; k < n; k++) {
                long tag = f.word(off + 2 * w * k), val = f.word(off + 2 * w * k + w);
                if (tag == 0) break;
                if (tag == DT_FLAGS_1) return (val & DF_1_PIE) != 0;
            }
        }
        return false;
    }

    private static String[] macho(ScanInput in) {
        long magic = Bytes.u32be(in, 0);
        boolean be = magic == 0xfeedfaceL || magic == 0xfeedfacfL, is64 = magic == 0xfeedfacfL || magic == 0xcffaedfeL;
        long cpu = be ? Bytes.u32be(in, 4) : Bytes.u32(in, 4), type = be ? Bytes.u32be(in, 12) : Bytes.u32(in, 12);
        String arch = switch ((int) cpu) {
            case 7 -> "i386";
            case 0x01000007 -> "x86_64";
            case 12 -> "arm";
            case 0x0100000c -> "arm64";
            case 18 -> "ppc";
            case 0x01000012 -> "ppc64";
            default -> null;
        };
        String kind = switch ((int) type) {
            case 1 -> "object";
            case 2 -> "executable";
            case 4 -> "core";
            case 6 -> "dynamically linked shared library";
            case 7 -> "dynamic linker";
            case 8 -> "bundle";
            case 10 -> "dSYM companion file";
            case 11 -> "kext bundle";
            default -> null;
        };
        StringBuilder sb = new StringBuilder("Mach-O ");
        if (is64) sb.append("64-bit ");
        if (arch != null) sb.append(arch).append(' ');
        if (kind != null) sb.append(kind);
        return new String[] {sb.toString().trim(), "application/x-mach-binary"};
    }
}
