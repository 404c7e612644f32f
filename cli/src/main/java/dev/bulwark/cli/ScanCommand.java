package dev.bulwark.cli;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.Detection;
import dev.bulwark.engine.Engine;
import dev.bulwark.engine.Limits;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.RawNames;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * {@code bulwark scan}: a drop-in for clamscan (same options, result lines, summary and exit codes),
 * plus {@code --json}, {@code --threads} and a progress line on terminals.
 */
public final class ScanCommand {
    static final String VERSION = "0.1.0";
    /** Scans queued ahead of the printer per worker thread (keeps memory bounded, output ordered). */
    private static final int QUEUE_PER_THREAD = 8;
    /** SHA-256 of no bytes: the digest reported for an empty file. */
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final ClamscanOptions o;
    private final PrintStream out;
    private final PrintStream err;
    /** Standard error even with --stdout (where clamscan writes what its C library prints, such as perror's lines). */
    private final PrintStream stderr;
    private final Report report;
    /** -a: clamscan's archive member lines (null without -a). */
    private final ArchiveVerbose archiveVerbose;
    /** (cli15) clamscan's Data scanned, with its clean cache replayed. */
    private final DataScanned dataScanned;
    private Engine engine;
    private int dirs, files, infected, errors;
    /** Named paths that cannot be scanned (missing, not a file or directory): exit code 2, but not in clamscan's "Total errors". */
    private int argErrors;
    /** Real paths of directories being walked: a symlink loop is entered only once. */
    private final java.util.Set<Path> walking = new java.util.HashSet<>();
    /** clamscan's info.rblocks and info.blocks: 4 KiB blocks read and scanned. */
    private long bytesRead, bytesScanned;
    /** After a failed load: the signatures clamscan would count as loaded (see DatabaseLoader.signaturesBeforeFailure). */
    private int knownBeforeFailure;

    private ScanCommand(ClamscanOptions o, PrintStream out, PrintStream err) throws IOException {
        this.o = o;
        this.out = out;
        this.err = o.toStdout ? out : err;
        this.stderr = err;
        this.report = new Report(o, out);
        this.archiveVerbose = o.archiveVerbose && !o.json ? new ArchiveVerbose(!o.disableCache) : null;
        // (startup16) only a run that prints the summary counts "Data scanned": with --no-summary the clean-cache replay
        // (a HashSet, a string concatenation per layer) is work on the one-file path whose result nobody reads
        this.dataScanned = o.noSummary ? null : new DataScanned(!o.disableCache);
    }

    public static int run(String[] args) {
        return run(RawNames.argv(args), System.out, System.err); // (names that are not valid in the locale: their bytes)
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        ClamscanOptions o = new ClamscanOptions();
        try {
            ClamscanOptions.parse(args, o);
        } catch (ClamscanOptions.UsageException e) {
            for (String w : o.warnings) err.println(w); // read before the refused option, as clamscan prints them
            if (e.getMessage().equals("help")) {
                out.println(Help.TEXT);
                return 0;
            }
            if (e.clamscanLine != null) { // a value clamscan's parser refuses: its own line, no program name
                err.println(e.clamscanLine);
                err.println("ERROR: Can't parse command line options");
                return 2;
            }
            err.println("bulwark scan: " + e.getMessage());
            err.println(e.missingValue ? "ERROR: Incomplete option passed (missing argument)" : "ERROR: Unknown option passed");
            err.println("ERROR: Can't parse command line options");
            return 2;
        }
        for (String w : o.warnings) err.println(w); // standard error even with --stdout, as clamscan's parser
        if (o.version) {
            out.println(VersionLine.of(o.databases, defaultDir()));
            return 0;
        }
        ScanCommand scan;
        try {
            scan = new ScanCommand(o, out, err);
        } catch (IOException e) { // the --log file: clamscan's logg prints why on standard output, clamscan on standard error
            RawNames.println(out, "ERROR: Failed to open log file " + o.log + ": " + perror(e));
            (o.toStdout ? out : err).println("ERROR: Problem with internal logger."); // (clamscan's mprintf: --stdout moves it)
            return 2;
        }
        try {
            return scan.execute();
        } catch (IOException e) {
            err.println("ERROR: " + e.getMessage());
            return 2;
        }
    }

    private int execute() throws IOException {
        long start = System.currentTimeMillis();
        long t0 = System.nanoTime();
        for (String dir : new String[] {o.move, o.copy}) {
            if (dir == null) continue;
            // clamscan's action_setup: a missing directory is "Failed to get realpath" (no "ERROR:"), an existing
            // name that is no directory is named by its real path
            Path real;
            try {
                real = RawNames.path(dir).toRealPath();
            } catch (IOException e) {
                RawNames.println(out, "action_setup: Failed to get realpath of " + dir); // (clamscan: standard output)
                return 2;
            }
            if (!Files.isDirectory(real)) {
                err.println("ERROR: '" + real + "' doesn't exist or is not a directory");
                return 2;
            }
        }
        // clamscan's scanmanager refuses these before it loads anything: its ERROR line (even with --quiet, and to the
        // log), libclamav's complaint about freeing the engine it has not made yet (standard error), then the summary
        String badLinks = o.followDirSymlinks > 2 ? "follow-dir-symlinks" : o.followFileSymlinks > 2 ? "follow-file-symlinks" : null;
        if (badLinks != null) {
            report.error(err, "ERROR: --" + badLinks + ": Invalid argument");
            stderr.println("LibClamAV Error: cl_free: engine == NULL");
            return refused(start, t0);
        }
        if (o.puaConflict()) { // (while it sets up the database options: nothing loaded)
            report.error(err, "ERROR: --exclude-pua and --include-pua cannot be used at the same time");
            return refused(start, t0);
        }
        List<Path> dbs = o.databases.isEmpty() ? defaultDatabases() : o.databases;
        try {
            // a scan never shows the database's fingerprint: not computed (a sixth of a text load's CPU)
            LoadOptions load = o.load.withFingerprint(false);
            engine = o.databases.isEmpty() ? Engine.loadWithBuiltin(dbs, load) : Engine.load(dbs, load);
        } catch (DatabaseLoadException e) {
            int rc = malformedDatabase(e);
            // clamscan's summary counts the signatures of the files it loaded before the one that failed
            if (e.kind() == DatabaseLoadException.Kind.MALFORMED) knownBeforeFailure = DatabaseLoader.signaturesBeforeFailure(dbs, e);
            if (!o.noSummary) summary(start, System.nanoTime() - t0); // as clamscan, which counts nothing loaded
            report.close();
            return rc;
        }
        if (o.maxRecursionZero) { // (libclamav's warning as clamscan sets its limits: standard error even with --quiet, not logged)
            stderr.println("LibClamAV Warning: MaxRecursion: the value of 0 is not allowed, using default: " + Limits.DEFAULTS.maxRecursion());
        }
        if (o.structuredError != null) { // (clamscan sets the scan options after the load: its summary counts the signatures)
            report.error(err, "ERROR: " + o.structuredError);
            return refused(start, t0);
        }
        for (Diagnostic d : engine.database().warnings()) {
            // a stale snapshot matters to everyone; the rest (skipped YARA rules, …) only when asked
            if (o.debug || o.verbose || d.message().contains("stale")) err.println("WARNING: " + d);
        }
        List<String> targets = new ArrayList<>(o.targets);
        if (o.fileList != null) {
            if (!targets.isEmpty()) report.warning(err, "WARNING: Only scanning files from --file-list (files passed at cmdline are ignored)");
            targets.clear();
            Path list = RawNames.path(o.fileList);
            // a directory opens (fopen) but reads nothing (fgets: EISDIR): an empty list, as clamscan reads it
            if (!Files.isDirectory(list)) {
                try {
                    targets.addAll(fileListNames(Files.readAllBytes(list)));
                } catch (IOException e) {
                    // clamscan's filelist(): a fprintf to standard error (even with --stdout, not logged), nothing scanned,
                    // the summary, and its error number as the exit code
                    RawNames.println(stderr, "ERROR: --file-list: Can't open file " + o.fileList);
                    if (!o.noSummary) summary(start, System.nanoTime() - t0);
                    report.close();
                    return 54;
                }
            }
        }
        // no target: clamscan scans the working directory by its absolute name (getcwd), as "/w/d/file" (an empty
        // --file-list scans nothing)
        if (targets.isEmpty() && o.fileList == null) targets.add(RawNames.string(Path.of("").toAbsolutePath()));
        try {
            scanAll(targets);
        } catch (DatabaseLoadException e) {
            // a snapshot's logical signature found damaged on first use: reported as at load, and the scan ends
            // (the lines already printed stand: those files' verdicts did not depend on it)
            report.close();
            return malformedDatabase(e);
        }
        if (!o.noSummary) summary(start, System.nanoTime() - t0);
        report.close(); // after the summary: clamscan writes it to the --log file too
        return infected > 0 ? 1 : errors + argErrors > 0 ? 2 : 0;
    }

    /** After an option clamscan's scanmanager refuses: its summary (unless --no-summary), exit code 2. */
    private int refused(long start, long t0) throws IOException {
        if (!o.noSummary) summary(start, System.nanoTime() - t0);
        report.close();
        return 2;
    }

    /**
     * A database that cannot be used, reported as clamscan reports a malformed one (exit code 2); or, when the first
     * database that failed is a -d path that does not exist, or the only -d directories hold no database, as clamscan
     * reports those.
     */
    private int malformedDatabase(DatabaseLoadException e) {
        Diagnostic first = e.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).findFirst().orElse(null);
        if (first != null && first.line() == 0 && o.databases.stream().anyMatch(p -> p.toString().equals(first.source()))
                && !Files.exists(Path.of(first.source()))) {
            err.println("ERROR: " + first.source() + ": No such file or directory");
            err.println("ERROR: Can't get file status");
            return 2;
        }
        if (e.kind() == DatabaseLoadException.Kind.NO_DATABASE_FILES && first != null && !o.databases.isEmpty()
                && Files.isDirectory(Path.of(first.source()))) { // a -d directory without a database in it
            err.println("ERROR: " + first.source() + ": No supported database files found");
            err.println("ERROR: Can't open file or directory");
            return 2;
        }
        for (Diagnostic d : e.diagnostics()) err.println("ERROR: " + d);
        err.println("ERROR: Malformed database");
        return 2;
    }

    /** /var/lib/clamav when it holds databases, plus the built-in database (added by the engine). */
    private static List<Path> defaultDatabases() {
        Path d = defaultDir();
        try (var s = Files.list(d)) {
            if (s.anyMatch(p -> p.toString().matches(".*\\.(cvd|cld|cud|hdb|hsb|ndb|ldb|cdb|yar|yara|mdb|msb|fp|sfp|ign2|ftm|pdb|wdb|gdb|imp|db)$"))) {
                return List.of(d);
            }
        } catch (IOException ignored) {
            // no system database: the built-in one alone
        }
        return List.of();
    }

    /** The default database directory: ClamAV's, or $BULWARK_DATABASE_DIR. */
    private static Path defaultDir() {
        return Path.of(System.getenv().getOrDefault("BULWARK_DATABASE_DIR", "/var/lib/clamav"));
    }

    // ---- walking and ordered parallel scanning -------------------------------------------------------

    private record Job(String shown, Path path, Future<ScanResult> result, String line) {}

    /**
     * A scan already run on this thread: {@link #get} returns its result or throws what it threw in an
     * {@code ExecutionException}, as a {@code FutureTask} that ran it would.
     */
    private record Done(ScanResult value, Throwable failure) implements Future<ScanResult> {
        @Override public ScanResult get() throws java.util.concurrent.ExecutionException {
            if (failure != null) throw new java.util.concurrent.ExecutionException(failure);
            return value;
        }
        @Override public ScanResult get(long timeout, java.util.concurrent.TimeUnit unit) throws java.util.concurrent.ExecutionException { return get(); }
        @Override public boolean cancel(boolean interrupt) { return false; }
        @Override public boolean isCancelled() { return false; }
        @Override public boolean isDone() { return true; }
    }

    private ExecutorService newPool() {
        return Executors.newFixedThreadPool(o.threads, r -> {
            Thread t = new Thread(r, "bulwark-scan");
            t.setDaemon(true);
            return t;
        });
    }

    private void scanAll(List<String> targets) throws IOException {
        // (startup10) one regular file named is scanned on this thread (see file): no pool then, unless the name
        // turns out not to be a regular file when it is looked at again below. Creating and shutting down the pool
        // cost a one-file scan ~0.3 ms of its start.
        // (--follow-file-symlinks=0: a named link to a file is not scanned, so the one-stat shortcut, which follows
        // links, is not taken)
        boolean single = targets.size() == 1 && !targets.get(0).equals("-") && o.followFileSymlinks != 0
                && regularFile(RawNames.path(targets.get(0)));
        ExecutorService pool = single ? null : newPool();
        ArrayDeque<Job> queue = new ArrayDeque<>();
        Progress progress = new Progress(o.progress && o.recursive && !o.json, err);
        try {
            for (String t : targets) {
                if (t.equals("-")) {
                    enqueue(queue, new Job("stdin", null, pool.submit(() -> engine.scan(System.in, o.scan)), null), pool, progress);
                    continue;
                }
                Path p = RawNames.path(t); // (a --file-list name that is not UTF-8: the file of exactly its bytes)
                // clamscan strips a named path's trailing slashes before it scans, prints or matches it ("t//" is "t")
                String shown = stripSlashes(t);
                if (o.followFileSymlinks != 0 && regularFile(p)) { // the common case of a list: one stat instead of three
                    file(shown, p, queue, targets.size() == 1 ? null : pool, progress);
                    continue;
                }
                if (pool == null) pool = newPool();
                String missing = lstatError(p);
                if (missing != null) {
                    drain(queue, 0, progress);
                    RawNames.println(stderr, t + ": " + missing); // clamscan's perror: standard error even with --stdout
                    report.warning(err, "WARNING: " + t + ": Can't access file"); // (--quiet: clamscan's warnings go, but to the log)
                    argErrors++;
                    continue;
                }
                // a named symbolic link as clamscan's scanmanager takes it: followed to a file with
                // --follow-file-symlinks >= 1, to a directory with --follow-dir-symlinks >= 1, else "Symbolic link";
                // a dangling one is passed over in silence unless both levels are 0. (lstat of "link/" follows the
                // link: a name ending in '/' is never a link.)
                if (!t.endsWith("/") && Files.isSymbolicLink(p)) {
                    BasicFileAttributes a = null;
                    if (o.followDirSymlinks != 0 || o.followFileSymlinks != 0) {
                        try {
                            a = Files.readAttributes(p, BasicFileAttributes.class);
                        } catch (IOException dangling) {
                            continue;
                        }
                    }
                    if (a != null && a.isRegularFile() && o.followFileSymlinks != 0) {
                        file(shown, p, queue, pool, progress);
                    } else if (a != null && a.isDirectory() && o.followDirSymlinks != 0) {
                        walkTop(shown, p, queue, pool, progress);
                    } else {
                        enqueue(queue, new Job(shown, null, null, "Symbolic link"), pool, progress);
                    }
                    continue;
                }
                if (Files.isDirectory(p)) {
                    walkTop(shown, p, queue, pool, progress);
                } else if (Files.isRegularFile(p)) {
                    file(shown, p, queue, targets.size() == 1 ? null : pool, progress);
                } else {
                    report.warning(err, "WARNING: " + t + ": Not supported file type");
                    argErrors++;
                }
            }
            drain(queue, 0, progress);
        } finally {
            progress.done();
            if (pool != null) pool.shutdownNow();
        }
    }

    /** True when {@code p} is a regular file or a link to one (what {@code Files.isRegularFile} tells), by one stat. */

    private static boolean regularFile(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).isRegularFile();
        } catch (IOException | SecurityException e) {
            return false; // missing, a dangling link, unreadable: the checks below tell which
        }
    }

    private static final Path PROC = Path.of("/proc");
    private static Boolean cwdInProc;

    private static boolean cwdInProc() {
        if (cwdInProc == null) cwdInProc = Path.of("").toAbsolutePath().startsWith(PROC);
        return cwdInProc;
    }
    /** /proc's device when procfs is mounted there (clamscan: stat("/proc") with st_size 0); computed on first use. */
    private static Object procDevice;
    private static boolean procLooked;

    /**
     * Whether {@code p} is a file of /proc, which clamscan never scans ("Excluded (/proc)"): a path below /proc
     * on /proc's device (Bulwark read them: "/proc/1/environ: Access denied ERROR", exit 2 for 'scan -r /').
     */
    private static boolean onProc(Path p) {
        // the usual case in a string test: no "proc" in the name and not relative to a directory of /proc
        if (!p.toString().contains("proc") && (p.isAbsolute() || !cwdInProc())) return false;
        if (!(p.isAbsolute() ? p : p.toAbsolutePath()).normalize().startsWith(PROC)) return false; // (no stat either)
        if (!procLooked) {
            try {
                if (Files.readAttributes(PROC, BasicFileAttributes.class).size() == 0) procDevice = device(PROC);
            } catch (IOException | SecurityException e) {
                procDevice = null;
            }
            procLooked = true;
        }
        return procDevice != null && procDevice.equals(device(p));
    }

    /** The device of the named directory being walked (--cross-fs=no), as clamscan's stat of it gives. */
    private Object topDevice;

    private static Object device(Path p, LinkOption... how) {
        try {
            return Files.getAttribute(p, "unix:dev", how);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /** A named directory's walk: its device noted first when --cross-fs=no. */
    private void walkTop(String shown, Path dir, ArrayDeque<Job> q, ExecutorService pool, Progress pr) throws IOException {
        topDevice = o.crossFs ? null : device(dir);
        walk(shown, dir, 1, q, pool, pr);
    }

    private void walk(String shown, Path dir, int depth, ArrayDeque<Job> q, ExecutorService pool, Progress pr) throws IOException {
        // --exclude-dir/--include-dir: clamscan matches a directory's name as it prints it (as named, then
        // "name/entry"), not its absolute or real path
        if (matchesAny(o.excludeDir, shown) || (!o.includeDir.isEmpty() && !matchesAny(o.includeDir, shown))) {
            enqueue(q, new Job(shown, null, null, "Excluded"), pool, pr);
            return;
        }
        // --max-dir-recursion as clamscan counts it: a named directory is at depth 1 (0 scans nothing in it), and
        // the check follows the exclusion test (a directory too deep is still reported excluded)
        if (depth > o.maxDirRecursion) return;
        Path realDir;
        try {
            realDir = dir.toRealPath();
        } catch (IOException e) {
            errors++;
            enqueue(q, new Job(shown, null, null, "Can't open directory."), pool, pr);
            return;
        }
        if (!walking.add(realDir)) return; // symlink loop
        List<Path> entries;
        try (var s = Files.list(dir)) {
            // (cli15) readdir order, as clamscan 1.4.6 walks (it reads every entry, then scans them in that order):
            // the same lines in the same order as clamscan's on the same directory (was sorted)
            entries = new ArrayList<>(s.toList());
        } catch (IOException e) {
            // as clamscan: an error of the scan (exit code 2, "Total errors"), and no scanned directory (it was
            // neither: an unreadable directory left a scan "clean" with exit code 0)
            errors++;
            enqueue(q, new Job(shown, null, null, "Can't open directory."), pool, pr);
            return;
        }
        dirs++;
        for (Path e : entries) {
            String child = shown.endsWith("/") ? shown + RawNames.fileName(e) : shown + "/" + RawNames.fileName(e);
            BasicFileAttributes a; // one stat per entry (each costs microseconds on a VM)
            try {
                a = Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException gone) {
                continue; // removed while walking
            }
            if (topDevice != null && !topDevice.equals(device(e, LinkOption.NOFOLLOW_LINKS))) {
                // --cross-fs=no: an entry on another file system than the named directory (a mount point: /proc,
                // /sys, a network file system) is "Excluded", as clamscan's scandirs reports it
                enqueue(q, new Job(child, null, null, "Excluded"), pool, pr);
                continue;
            }
            if (a.isSymbolicLink()) {
                // clamscan's scandirs: a link is "Symbolic link" unless one of the levels is 2; then it is followed
                // to a file (--follow-file-symlinks=2) or a directory (--follow-dir-symlinks=2, with -r), a dangling
                // one is passed over, anything else is "Symbolic link"
                if (o.followDirSymlinks < 2 && o.followFileSymlinks < 2) {
                    enqueue(q, new Job(child, null, null, "Symbolic link"), pool, pr);
                    continue;
                }
                BasicFileAttributes t;
                try {
                    t = Files.readAttributes(e, BasicFileAttributes.class);
                } catch (IOException dangling) {
                    continue;
                }
                if (t.isRegularFile() && o.followFileSymlinks == 2) {
                    file(child, e, q, pool, pr);
                } else if (t.isDirectory() && o.followDirSymlinks == 2) {
                    if (o.recursive) walk(child, e, depth + 1, q, pool, pr);
                } else {
                    enqueue(q, new Job(child, null, null, "Symbolic link"), pool, pr);
                }
            } else if (a.isDirectory()) {
                if (!o.recursive) continue;
                walk(child, e, depth + 1, q, pool, pr);
            } else if (a.isRegularFile()) {
                file(child, e, q, pool, pr);
            }
        }
    }

    /**
     * --exclude/--include: clamscan matches a file's real path (absolute, links resolved: a followed link is
     * matched by its target's name, not its own).
     */
    private boolean excludedFile(Path p) {
        String real;
        try {
            real = p.toRealPath().toString();
        } catch (IOException | SecurityException e) {
            real = p.toAbsolutePath().normalize().toString();
        }
        return matchesAny(o.exclude, real) || (!o.include.isEmpty() && !matchesAny(o.include, real));
    }

    /** The bytes of a --file-list line clamscan reads at once: fgets(buff, 1024) in its filelist() (common/misc.c). */
    static final int FILE_LIST_PIECE = 1023;

    /**
     * The names of a --file-list, as clamscan 1.4.6's filelist() reads them: fgets into a 1,024-byte buffer, so a line
     * is read in pieces of at most 1,023 bytes and each piece is a name of its own (a 2,000-byte line is two names);
     * the piece's trailing CRs and LFs are taken off but never its first byte (spaces and tabs are part of a name; an
     * empty line is the name "\n", a line "\r\n" the name "\r": neither is a file); a NUL ends the piece's name (the
     * rest of the piece is lost), and a piece that begins with a NUL ends the whole list. A name that is not UTF-8
     * keeps its bytes (see {@link RawNames}): the file it names is scanned and printed byte for byte, as clamscan does.
     */
    static List<String> fileListNames(byte[] list) {
        List<String> names = new ArrayList<>();
        int pos = 0;
        while (pos < list.length) {
            int start = pos;
            while (pos < list.length && pos - start < FILE_LIST_PIECE) {
                if (list[pos++] == '\n') break;
            }
            int n = start;
            while (n < pos && list[n] != 0) n++; // strlen
            if (n == start) break; // clamscan's "!len": the list ends here
            int last = n - 1;
            while (last > start && (list[last] == '\n' || list[last] == '\r')) last--;
            names.add(RawNames.decode(list, start, last + 1 - start));
        }
        return names;
    }

    /**
     * Why lstat of {@code p} fails, as perror words it ("No such file or directory", "File name too long", "Not a
     * directory", "Permission denied"), or null when it does not.
     */
    private static String lstatError(Path p) {
        try {
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return null;
        } catch (java.nio.file.NoSuchFileException e) {
            return notADirectory(p) ? "Not a directory" : "No such file or directory";
        } catch (IOException | RuntimeException e) {
            return perror(e);
        }
    }

    /** Whether an ancestor of {@code p} is there but no directory (the JDK reports ENOTDIR as a missing file). */
    private static boolean notADirectory(Path p) {
        List<Path> up = new ArrayList<>();
        for (Path a = p.getParent(); a != null; a = a.getParent()) up.add(0, a);
        for (Path a : up) {
            if (!Files.exists(a)) return false;
            if (!Files.isDirectory(a)) return true;
        }
        return false;
    }

    /** An I/O failure in strerror's words. */
    private static String perror(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return "No such file or directory";
    }

    /** {@code t} without its trailing slashes (but "/" stays "/"), as clamscan's scanmanager strips them. */
    static String stripSlashes(String t) {
        int end = t.length();
        while (end > 1 && t.charAt(end - 1) == '/') end--;
        return t.substring(0, end);
    }

    private static boolean matchesAny(List<Pattern> ps, String s) {
        for (Pattern p : ps) if (p.matcher(s).find()) return true;
        return false;
    }

    /** Queues the scan of a file; {@code pool} null (a single file named) or one thread scans it here and now. */
    private void file(String shown, Path p, ArrayDeque<Job> q, ExecutorService pool, Progress pr) throws IOException {
        if (onProc(p)) { // clamscan's procdev check, before the --exclude ones
            enqueue(q, new Job(shown, null, null, "Excluded (/proc)"), pool, pr);
            return;
        }
        if ((!o.exclude.isEmpty() || !o.include.isEmpty()) && excludedFile(p)) {
            enqueue(q, new Job(shown, p, null, "Excluded"), pool, pr);
            return;
        }
        Future<ScanResult> result;
        if (pool != null && o.threads > 1) {
            result = pool.submit(() -> scanFile(p));
        } else {
            // the only file named, or --threads=1: scanned on this thread, the same task as in the pool (errors
            // alike), without a worker thread: handing each file to one worker and waiting for it cost two thread
            // wake-ups per file (corpus, 11,576 files: ~38,000 futex calls, ~0.3-0.5 CPU-s; docs/benchmarks/corpus.md "jitcpu")
            // (startup11) a Done, not a FutureTask: FutureTask's class initialiser looks up its VarHandles (~0.3 ms
            // of a one-file scan's start); what get() returns or throws is the same
            Done task;
            try {
                task = new Done(scanFile(p), null);
            } catch (Throwable t) {
                task = new Done(null, t);
            }
            result = task;
        }
        enqueue(q, new Job(shown, p, result, null), pool, pr);
    }

    /** With --json the file's SHA-256 comes from the scan's single read (the result tree carries it). */
    private ScanResult scanFile(Path p) {
        // (-a: every layer's digest too, for the clean cache clamscan's line depends on)
        return o.json || archiveVerbose != null ? engine.scan(p, o.scan, (sha256, size) -> null) : engine.scan(p, o.scan);
    }

    private void enqueue(ArrayDeque<Job> q, Job j, ExecutorService pool, Progress pr) throws IOException {
        q.add(j);
        drain(q, o.threads * QUEUE_PER_THREAD, pr);
    }

    private void drain(ArrayDeque<Job> q, int keep, Progress pr) throws IOException {
        while (q.size() > keep) {
            Job j = q.poll();
            if (j.result == null) {
                if (!o.infectedOnly) report.line(j.shown + ": " + j.line, true);
                continue;
            }
            ScanResult r;
            try {
                r = j.result.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof DatabaseLoadException d) throw d;
                r = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, String.valueOf(e.getCause()), 0, null);
            } catch (Exception e) {
                r = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, String.valueOf(e.getCause()), 0, null);
            }
            pr.clear();
            print(j, r);
            pr.update(files, bytesRead * 4096);
        }
    }

    private void print(Job j, ScanResult r) throws IOException {
        // -a: clamscan's callbacks replayed over every file scanned (clean ones fill the cache its lines depend on)
        ArchiveVerbose.Lines av = archiveVerbose != null && j.path != null
                && (r.status() == ScanResult.Status.CLEAN || r.status() == ScanResult.Status.INFECTED) ? archiveVerbose.replay(j.shown, r) : null;
        // -v: clamscan's "Scanning FILE" before each file it opens (not an empty one, not standard input: clamscan
        // names its temporary copy there), to standard output and the log, even with -i/-o, not with --quiet; with
        // -a, a "Scanning FILE!TYPE:member" line for each member name its archive parsers report
        if (o.verbose && !o.quiet && !o.json && j.path != null && r.status() != ScanResult.Status.EMPTY) {
            report.line("Scanning " + j.shown, true);
            if (av != null) for (String l : av.scanning()) report.line(l, true); // (and the FOUND lines among them)
        } else if (o.verbose && !o.quiet && !o.json && j.path == null) {
            // standard input: clamscan -v names the temporary copy it scans ("Checking /tmp/clamav-<32 hex>.tmp", in
            // --tempdir, else $TMPDIR, else /tmp); Bulwark scans the stream itself, so the name is of no file
            report.line("Checking " + stdinCopyName(), true);
        }
        if (o.json) {
            String sha = null;
            if (j.path != null && r.tree() != null) sha = r.tree().sha256();
            else if (j.path != null && r.status() == ScanResult.Status.EMPTY) sha = EMPTY_SHA256;
            out.println(Json.result(j.shown, sha, r));
        }
        switch (r.status()) {
            case EMPTY -> {
                // clamscan copies standard input to a temporary file and scans that: empty input is "stdin: OK" and
                // counts as a scanned file; an empty named file is "Empty file" and does not
                if (j.path != null) {
                    if (!o.json && !o.infectedOnly) report.line(j.shown + ": Empty file", true);
                    return;
                }
            }
            case ERROR -> {
                errors++;
                if (!o.json && !o.infectedOnly) report.line(j.shown + ": " + r.error() + " ERROR", true);
                return;
            }
            default -> { }
        }
        files++;
        // clamscan's counters, in 4 KiB blocks: "Data read" adds each file's size / 4096 (rounded down per file),
        // "Data scanned" what libclamav's scanned-bytes counter added (ScanResult.blocks: per matcher run)
        bytesRead += r.size() / 4096;
        if (dataScanned != null) bytesScanned += dataScanned.blocks(r);
        if (r.status() == ScanResult.Status.INFECTED) {
            infected++;
            if (!o.json) {
                boolean interleaved = av != null && o.verbose && !o.quiet && !o.json; // (printed among the Scanning lines)
                if (!interleaved) for (Detection d : r.detections()) report.line(j.shown + ": " + d.name() + " FOUND", true);
                if (av != null && av.found() != null) report.line(av.found(), true); // (clamscan's scanstdin prints no such line)
                // clamscan's bell: once per infected file (not per detection), to standard error even with --stdout
                // or --quiet (a fprintf of its own)
                if (o.bell) {
                    stderr.print('\u0007');
                    stderr.flush();
                }
            }
            if (j.path != null) errors += Quarantine.act(o, j.shown, j.path, report) ? 0 : 1;
        } else if (!o.json && !o.infectedOnly && (!o.suppressOk || j.path == null) && !o.quiet) {
            report.line(j.shown + ": OK", false); // standard input's even with -o, as clamscan prints it
        }
    }

    /** The name of the temporary copy of standard input clamscan -v reports: its directory, "clamav-", 32 hex digits. */
    private String stdinCopyName() {
        String dir = o.tempdir != null ? o.tempdir : System.getenv().getOrDefault("TMPDIR", "/tmp");
        byte[] b = new byte[16];
        new java.util.Random().nextBytes(b);
        return dir + "/clamav-" + java.util.HexFormat.of().formatHex(b) + ".tmp";
    }

    private void summary(long startMillis, long nanos) throws IOException {
        List<String> l = new ArrayList<>();
        l.add("");
        l.add("----------- SCAN SUMMARY -----------");
        l.add("Known viruses: " + (engine == null ? knownBeforeFailure : engine.database().signatureCount()));
        l.add("Engine version: bulwark " + VERSION);
        if (engine != null) l.add("Databases: " + String.join(", ", engine.database().sources()));
        l.add("Scanned directories: " + dirs);
        l.add("Scanned files: " + files);
        l.add("Infected files: " + infected);
        if (errors > 0) l.add("Total errors: " + errors);
        // clamscan: blocks * (CL_COUNT_PRECISION / 1024) / 1024.0, printed "%2.2lf MB"; the ratio of the two block counts
        double read = bytesRead * 4 / 1024.0, scanned = bytesScanned * 4 / 1024.0;
        l.add("Data scanned: " + SummaryFormat.twoDecimals(scanned) + " MB");
        l.add("Data read: " + SummaryFormat.twoDecimals(read) + " MB (ratio " + SummaryFormat.twoDecimals(bytesRead == 0 ? 0 : (double) bytesScanned / bytesRead) + ":1)");
        l.add("Time: " + SummaryFormat.duration(nanos / 1_000_000));
        if (SummaryFormat.utc()) { // the usual server case, without java.time
            l.add("Start Date: " + SummaryFormat.dateUtc(startMillis));
            l.add("End Date:   " + SummaryFormat.dateUtc(System.currentTimeMillis()));
        } else {
            java.time.ZoneId zone = SummaryFormat.zone();
            l.add("Start Date: " + SummaryFormat.date(LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(startMillis), zone)));
            l.add("End Date:   " + SummaryFormat.date(LocalDateTime.now(zone)));
        }
        // with --json standard output carries only JSON lines; the summary goes to standard error
        for (String s : l) {
            if (o.json) err.println(s);
            else report.summaryLine(s);
        }
    }
}
