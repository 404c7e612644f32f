package dev.bulwark.cli.db;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.RawNames;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.db.snapshot.Snapshot;
import dev.bulwark.engine.db.snapshot.SnapshotReader;
import dev.bulwark.engine.db.snapshot.SnapshotWriter;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bulwark db}: compile signature sources into a memory-mappable snapshot, and describe one.
 * <pre>
 *   bulwark db compile -d SOURCE [-d SOURCE...] -o FILE.bsnap [--detect-pua]
 *   bulwark db info FILE.bsnap
 * </pre>
 * Exit codes: 0 success, 1 the snapshot is stale (info), 2 error.
 */
public final class DbCommand {
    private static final String USAGE = "usage: bulwark db compile -d SOURCE [-d SOURCE...] -o FILE.bsnap [--detect-pua]\n"
            + "       bulwark db info FILE.bsnap\n";

    private DbCommand() {}

    public static int run(String[] args) {
        // (names that are not valid in the locale: their bytes, as ScanCommand.run)
        return run(RawNames.argv(args), System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            return switch (args[0]) {
                case "compile" -> compile(args, out, err);
                case "info" -> info(args, out, err);
                default -> { err.print("bulwark db: unknown subcommand '" + args[0] + "'\n" + USAGE); yield 2; }
            };
        } catch (DatabaseLoadException e) {
            for (Diagnostic d : e.diagnostics()) RawNames.println(err, "bulwark db: " + d);
            return 2;
        } catch (IOException | IllegalArgumentException e) {
            RawNames.println(err, "bulwark db: " + e.getMessage());
            return 2;
        }
    }

    private static int compile(String[] args, PrintStream out, PrintStream err) throws IOException {
        List<Path> sources = new ArrayList<>();
        Path target = null;
        String targetName = null; // as given (printed so)
        LoadOptions opts = LoadOptions.defaults();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("-d") || a.equals("--database")) && i + 1 < args.length) sources.add(RawNames.path(args[++i]));
            else if (a.startsWith("--database=")) sources.add(RawNames.path(a.substring(11)));
            else if (a.equals("-o") && i + 1 < args.length) target = RawNames.path(targetName = args[++i]);
            else if (a.startsWith("--output=")) target = RawNames.path(targetName = a.substring(9));
            else if (a.equals("--detect-pua")) opts = opts.withDetectPua(true);
            else { err.print("bulwark db compile: unexpected argument '" + a + "'\n" + USAGE); return 2; }
        }
        if (sources.isEmpty() || target == null) { err.print(USAGE); return 2; }
        if (!Snapshot.isSnapshot(RawNames.fileName(target))) {
            err.println("bulwark db compile: the output file name must end with " + Snapshot.EXTENSION);
            return 2;
        }
        long t0 = System.nanoTime();
        Database db = DatabaseLoader.load(sources, opts);
        long t1 = System.nanoTime();
        SnapshotWriter.write(db, sources, target);
        long t2 = System.nanoTime();
        RawNames.println(out, String.format("%s: %d signatures, loaded in %.2f s, written in %.2f s (%d bytes)", targetName,
                db.signatureCount(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, Files.size(target)));
        return 0;
    }

    private static int info(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length != 2) { err.print(USAGE); return 2; }
        Snapshot.Info i = SnapshotReader.info(RawNames.path(args[1]));
        RawNames.println(out, "File:               " + args[1]);
        out.println("Format version:     " + i.format());
        out.println("Size:               " + i.fileSize() + " bytes (checksum OK)");
        out.println("Created:            " + Instant.ofEpochMilli(i.createdMillis()));
        out.println("Signatures:         " + i.signatures());
        out.println("Body patterns:      " + i.bodyPatterns());
        out.println("Logical signatures: " + i.logicalSignatures());
        out.println("Hash entries:       " + i.hashEntries());
        out.println("Names:              " + i.names());
        out.println("Daily version:      " + i.dailyVersion());
        out.println("Fingerprint:        " + i.fingerprint());
        out.println("Sources:");
        for (Snapshot.Source s : i.sources()) {
            RawNames.println(out, String.format("  %s%s  %s  %s  sha256:%s", s.path(), s.directory() ? "/" : "",
                    s.directory() ? s.size() + " files" : s.size() + " bytes", Instant.ofEpochMilli(s.mtimeMillis()), s.sha256()));
        }
        if (i.stale().isEmpty()) {
            out.println("Status:             up to date");
            return 0;
        }
        out.println("Status:             STALE, changed since compiled:");
        for (String s : i.stale()) RawNames.println(out, "  " + s);
        return 1;
    }
}
