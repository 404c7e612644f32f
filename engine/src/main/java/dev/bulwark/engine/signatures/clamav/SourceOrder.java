package dev.bulwark.engine.signatures.clamav;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Which files of a database directory {@link DatabaseLoader} loads, and in which order: ClamAV's (ignore lists
 * first, then the daily container, then everything else by name), of a .cvd/.cld pair only the newer.
 */
final class SourceOrder {
    private SourceOrder() { }

    /** The supported regular files of directory {@code dir} in load order. */
    static List<Path> list(Path dir) throws IOException {
        return listed(dir, true);
    }

    /**
     * The supported regular files of {@code dir} in the order ClamAV 1.4.6 loads them: by the same priority classes,
     * but within a class in the order the directory lists them (readdir's, as cli_loaddbdir keeps it), not by name.
     */
    static List<Path> clamavOrder(Path dir) throws IOException {
        return listed(dir, false);
    }

    /** The supported regular files of dir by priority class; within a class by name, or in readdir's order. */
    private static List<Path> listed(Path dir, boolean byName) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) { // (Files.list keeps readdir's order)
            Stream<Path> found = s.filter(Files::isRegularFile).filter(f -> supported(f.getFileName().toString()));
            files = new ArrayList<>((byName ? found.sorted() : found).toList());
        }
        files.sort((a, b) -> Integer.compare(priority(a.getFileName().toString()), priority(b.getFileName().toString()))); // stable
        dropOlderDaily(files);
        return files;
    }

    /** Extensions a directory load considers (clamav-notes §1.0); others are silently ignored. */
    static final List<String> EXTENSIONS = List.of(".db", ".hdb", ".hdu", ".fp", ".mdb", ".mdu", ".hsb", ".hsu",
            ".sfp", ".msb", ".msu", ".ndb", ".ndu", ".ldb", ".ldu", ".sdb", ".zmd", ".rmd", ".pdb", ".gdb", ".wdb",
            ".cbc", ".ftm", ".cfg", ".cvd", ".cld", ".cud", ".cdb", ".cat", ".crb", ".idb", ".ioc", ".yar", ".yara",
            ".pwdb", ".ign", ".ign2", ".imp");

    /** True when a file of this name is a database a load considers. */
    static boolean supported(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) if (n.endsWith(e)) return true;
        return false;
    }

    /** ClamAV's load order classes: ignores, daily container, local.gdb, daily.cfg, crb, the rest. */
    private static int priority(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".ign") || n.endsWith(".ign2")) return 0;
        if (n.equals("daily.cld")) return 1;
        if (n.equals("daily.cvd")) return 2;
        if (n.equals("local.gdb")) return 3;
        if (n.equals("daily.cfg")) return 4;
        if (n.endsWith(".crb")) return 5;
        return 6;
    }

    /** Of name.cvd and name.cld only the newer is loaded (the .cld on a tie). */
    private static void dropOlderDaily(List<Path> files) {
        for (int i = 0; i < files.size(); i++) {
            String n = files.get(i).getFileName().toString();
            if (!n.endsWith(".cvd")) continue;
            Path cld = files.get(i).resolveSibling(n.substring(0, n.length() - 4) + ".cld");
            if (!files.contains(cld)) continue;
            long vc = CvdReader.versionOf(files.get(i)), vl = CvdReader.versionOf(cld);
            files.remove(vc > vl ? cld : files.get(i));
            i = -1;
        }
    }

    /** Large files of these kinds are parsed in chunks: nothing of theirs is kept as text. */
    static boolean streamable(String source) {
        String n = source.toLowerCase(Locale.ROOT);
        LineKind k = LineKind.of(n);
        return (k == LineKind.HASH || k == LineKind.SECTION || k == LineKind.NDB || k == LineKind.LDB || k == LineKind.DB)
                && !n.endsWith(".hdu") && !n.endsWith(".hsu") && !n.endsWith(".mdu") && !n.endsWith(".msu")
                && !n.endsWith(".ndu") && !n.endsWith(".ldu");
    }
}
