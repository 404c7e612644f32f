package dev.bulwark.server.clamd;

import dev.bulwark.engine.Detection;
import dev.bulwark.engine.RawNames;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.server.FileDigest;
import dev.bulwark.server.PathPolicy;
import dev.bulwark.server.ScanService;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * SCAN, CONTSCAN, MULTISCAN and ALLMATCHSCAN of a server-side path, with clamd's reply lines and its
 * rule for the final {@code <path>: OK} (no detection, and not every visited entry was an error).
 */
final class PathScan {
    /** Where reply lines go (already framed with session id and terminator by the caller). */
    interface Sink {
        void reply(String path, String status) throws IOException;
    }

    /** Entries per directory read before giving up on it: a directory is not an unbounded stream. */
    private static final int MAX_DIR_ENTRIES = 1_000_000;

    private final ScanService service;
    private final PathPolicy policy;
    private final ClamdCommand command;
    private final Sink sink;
    private final boolean stopAtFirst;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger infected = new AtomicInteger();
    /** MULTISCAN: the files handed to the workers, and how many of them ended in an error or a detection. */
    private final AtomicInteger jobs = new AtomicInteger();
    private final AtomicInteger jobErrors = new AtomicInteger();
    private final AtomicInteger jobInfected = new AtomicInteger();
    private volatile boolean stop;
    /**
     * Files of one MULTISCAN waiting for a worker: the walk stays this far ahead of the scans, so a huge
     * tree is never held in memory and the workers never wait for the walk.
     */
    private static final int MULTISCAN_QUEUE = 256;
    /**
     * Files the walk hands to the workers at a time. One file per hand-over woke the walk (blocked on the
     * full queue) after every scan and a worker after every put: ~7% of a MULTISCAN's CPU once warm went to
     * those futex wake-ups and the context switches. 32 cuts them 32-fold and leaves MULTISCAN_QUEUE / 32
     * batches in the queue.
     */
    private static final int MULTISCAN_BATCH = 32;

    PathScan(ScanService service, PathPolicy policy, ClamdCommand command, Sink sink) {
        this.service = service;
        this.policy = policy;
        this.command = command;
        this.sink = sink;
        this.stopAtFirst = command == ClamdCommand.SCAN || command == ClamdCommand.ALLMATCHSCAN;
    }

    /**
     * Runs the scan. On a virtual thread (a TCP connection) it runs on a platform thread instead: the
     * engine keeps its read buffer per platform thread (a virtual thread allocates and zeroes one per
     * file), and each blocking file call of a virtual thread hands its carrier over to another one.
     */
    void run(String argument) throws IOException, InterruptedException {
        if (!Thread.currentThread().isVirtual()) {
            runHere(argument);
            return;
        }
        Exception[] failed = {null};
        Thread t = Thread.ofPlatform().daemon().name("clamd-pathscan").start(() -> {
            try {
                runHere(argument);
            } catch (IOException | InterruptedException | RuntimeException e) {
                failed[0] = e;
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            stop = true; // the connection is being torn down: end the walk, then wait for it
            t.interrupt();
            t.join();
            throw e;
        }
        if (failed[0] instanceof IOException e) throw e;
        if (failed[0] instanceof InterruptedException e) throw e;
        if (failed[0] instanceof RuntimeException e) throw e;
    }

    private void runHere(String argument) throws IOException, InterruptedException {
        if (command == ClamdCommand.ALLMATCHSCAN && !service.config().allowAllMatchScan()) {
            sink.reply(argument, "ALLMATCHSCAN command disabled by clamd configuration. ERROR");
            return;
        }
        Path top;
        BasicFileAttributes attrs;
        boolean link;
        String given = argument;
        // clamd's cli_ftw trims the argument before anything else looks at it (ExcludePath, stat, the replies):
        // "//a/b//" is "/a/b" ("//x" escaped an ExcludePath '^/x' and was printed as given), "//" is ""
        argument = trimSlashes(argument);
        boolean followDirs = service.config().followDirectorySymlinks(), followFiles = service.config().followFileSymlinks();
        try {
            if (argument.isEmpty()) throw new NoSuchFileException(given); // clamd's stat("") (was: the daemon's directory)
            top = RawNames.path(argument); // (a name that is not UTF-8 arrives escaped: the file of exactly those bytes)
            if (!policy.allows(top) && !policy.missingInside(top)) {
                // outside the roots whether it exists or not: the reply must not tell which
                sink.reply(argument, "Access denied. ERROR");
                return;
            }
            // clamd's get_filetype: unless it follows both kinds of link it lstat()s the argument first, and a link
            // it follows neither kind of is passed over unread (even a dangling one); else stat() follows it
            if (!(followDirs && followFiles)) {
                link = Files.readAttributes(top, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isSymbolicLink();
                if (link && !followDirs && !followFiles) {
                    // the link itself must lie inside the roots (its target is not read, except that MULTISCAN
                    // looks whether it is a directory: then the target too, or nothing is told of outside files)
                    Path parent = top.toAbsolutePath().getParent();
                    if (parent == null || !policy.allows(parent) || command == ClamdCommand.MULTISCAN
                            && !policy.allows(top) && !policy.missingInside(top)) {
                        sink.reply(argument, "Access denied. ERROR");
                        return;
                    }
                    if (excluded(argument)) {
                        sink.reply(argument, "Excluded");
                        return;
                    }
                    total.incrementAndGet(); // clamd's warning_skipped_link: counted, no reply
                    // MULTISCAN of what stat() finds to be a directory (or nothing) stays MULTISCAN: no file was
                    // scanned, so no "OK"; of anything else clamd runs CONTSCAN, which ends with "OK"
                    if (command != ClamdCommand.MULTISCAN || !Files.isDirectory(top) && Files.exists(top)) {
                        sink.reply(stripTrailingSlashes(given), "OK");
                    }
                    return;
                }
            } else {
                link = false; // classified by stat() alone
            }
            attrs = Files.readAttributes(top, BasicFileAttributes.class); // follows a top-level link, as clamd's stat
        } catch (NoSuchFileException e) {
            total.incrementAndGet();
            errors.incrementAndGet();
            sink.reply(argument, "File path check failure: No such file or directory. ERROR");
            return;
        } catch (AccessDeniedException e) {
            total.incrementAndGet();
            errors.incrementAndGet();
            sink.reply(argument, "File path check failure: Permission denied. ERROR");
            return;
        } catch (FileSystemException e) {
            total.incrementAndGet();
            errors.incrementAndGet();
            sink.reply(argument, "File path check failure: " + strerror(e) + ". ERROR");
            return;
        } catch (java.nio.file.InvalidPathException e) {
            total.incrementAndGet();
            errors.incrementAndGet();
            sink.reply(argument, "File path check failure: Invalid argument. ERROR");
            return;
        }
        if (!policy.allows(top)) {
            sink.reply(argument, "Access denied. ERROR");
            return;
        }
        if (excluded(argument)) {
            sink.reply(argument, "Excluded");
            return;
        }
        // clamd's MULTISCAN walks only what stat() calls a directory; of anything else it runs CONTSCAN. Its final
        // "OK" counts only the files it handed to its workers (none: no "OK", as for an empty directory)
        boolean multiscan = command == ClamdCommand.MULTISCAN && attrs.isDirectory();
        if (attrs.isDirectory() && (!link || followDirs)) {
            total.incrementAndGet();
            // CrossFilesystems no: the device of the named directory (clamd's stat of it) bounds the walk
            topDevice = service.config().crossFilesystems() ? null : device(attrs.fileKey());
            String base = stripTrailingSlashes(argument);
            if (multiscan) {
                Workers workers = new Workers(service.config().maxThreads());
                try {
                    walk(top, base, 0, workers);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    stop = true;
                    throw e;
                } finally {
                    workers.finish();
                }
            } else {
                walk(top, base, 0, null);
            }
        } else if (attrs.isRegularFile() && (!link || followFiles) && onProc(attrs.fileKey())) {
            total.incrementAndGet(); // clamd passes over a file of /proc (its procdev check): "OK", nothing read
        } else if (attrs.isRegularFile() && (!link || followFiles)) {
            scanOne(top, argument, null, true);
        } else {
            // a special file, or a link to a kind clamd does not follow: its warning_skipped_special, counted
            // as visited but not as an error, so "OK" follows (not for MULTISCAN: nothing was handed to a worker)
            total.incrementAndGet();
            sink.reply(argument, "Not supported file type ERROR");
        }
        boolean ok = multiscan ? jobs.get() > 0 && jobInfected.get() == 0 && jobErrors.get() != jobs.get()
                : infected.get() == 0 && errors.get() != total.get();
        if (ok) sink.reply(stripTrailingSlashes(given), "OK"); // (clamd: the name as given, less its trailing slashes)
    }

    /** What the walk needs of one directory entry, from one lstat. */
    private record Entry(Path path, boolean dir, boolean file, boolean link, long ino, FileDigest.Stamp stamp) {}

    /**
     * Files before directories, then by inode. (daemon16) Written out: the composed
     * {@code Comparator.comparing(Entry::dir).thenComparingLong(Entry::ino)} boxed a Boolean per comparison
     * through two lambdas (~5% of the walk thread's samples).
     */
    private static final class ClamdOrder implements java.util.Comparator<Entry> {
        @Override
        public int compare(Entry a, Entry b) {
            return a.dir != b.dir ? (a.dir ? 1 : -1) : Long.compare(a.ino, b.ino);
        }
    }
    private static final ClamdOrder CLAMD_ORDER = new ClamdOrder();

    /** The attributes {@link #entry} reads: one lstat, no owner or group look-up. */
    private static final String ENTRY_ATTRIBUTES = "unix:ino,isDirectory,isRegularFile,isSymbolicLink,size,lastModifiedTime,fileKey";

    /** {@code p} without following a link; null when it cannot be read (reported when the entry is visited). */
    private static Entry entry(Path p) {
        try {
            // (daemon11) the basic attributes carry the inode in their file key (UnixFileKey: "(dev=…,ino=…)"): one
            // lstat without the unix view's attribute map (parsing the names, a HashSet and a HashMap per entry:
            // ~60% of the walk thread's samples in a cold MULTISCAN). Anything else: the unix view, as before.
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            long ino = inode(a.fileKey());
            if (ino >= 0) return new Entry(p, a.isDirectory(), a.isRegularFile(), a.isSymbolicLink(), ino, FileDigest.stamp(a));
        } catch (IOException e) {
            return null;
        }
        try {
            java.util.Map<String, Object> m = Files.readAttributes(p, ENTRY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            return new Entry(p, (Boolean) m.get("isDirectory"), (Boolean) m.get("isRegularFile"), (Boolean) m.get("isSymbolicLink"),
                    ((Number) m.get("ino")).longValue(), new FileDigest.Stamp((Long) m.get("size"),
                            ((java.nio.file.attribute.FileTime) m.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.NANOSECONDS),
                            m.get("fileKey")));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException | NullPointerException e) {
            try { // a file system without the unix view: the basic attributes, in directory order
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new Entry(p, a.isDirectory(), a.isRegularFile(), a.isSymbolicLink(), 0, FileDigest.stamp(a));
            } catch (IOException e2) {
                return null;
            }
        }
    }

    /** The device of /proc when it is procfs (clamd: stat("/proc") with st_size 0), else null. */
    private static final String PROC_DEVICE = procDevice();

    private static String procDevice() {
        try {
            BasicFileAttributes a = Files.readAttributes(Path.of("/proc"), BasicFileAttributes.class);
            return a.size() == 0 ? device(a.fileKey()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether a file with this key lies on /proc, which clamd never scans (its procdev check). */
    private static boolean onProc(Object fileKey) {
        return PROC_DEVICE != null && PROC_DEVICE.equals(device(fileKey));
    }

    /** The device of the named directory being walked, with CrossFilesystems no (else null). */
    private volatile String topDevice;

    /** The device in a Unix file key's text ({@code (dev=803,ino=1234)}), or null when it has none. */
    static String device(Object fileKey) {
        if (fileKey == null) return null;
        String k = fileKey.toString();
        int i = k.indexOf("(dev="), j = k.indexOf(",ino=");
        return i < 0 || j < i ? null : k.substring(i + 5, j);
    }

    /** The inode number in a Unix file key's text ({@code (dev=803,ino=1234)}), or -1 when it has none. */
    static long inode(Object fileKey) {
        if (fileKey == null) return -1;
        String k = fileKey.toString();
        int i = k.indexOf(",ino=");
        if (i < 0) return -1;
        long v = 0;
        int j = i + 5, n = 0;
        for (; j < k.length() && k.charAt(j) >= '0' && k.charAt(j) <= '9' && n < 19; j++, n++) v = v * 10 + (k.charAt(j) - '0');
        return n > 0 && j < k.length() && k.charAt(j) == ')' ? v : -1;
    }

    private void walk(Path dir, String shown, int depth, Workers workers) throws IOException, InterruptedException {
        if (depth >= service.config().maxDirectoryRecursion() && service.config().maxDirectoryRecursion() > 0) return;
        List<Entry> entries = new ArrayList<>();
        List<Path> unreadable = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (entries.size() + unreadable.size() >= MAX_DIR_ENTRIES) break;
                String name = shown.equals("/") ? "/" + RawNames.fileName(p) : shown + "/" + RawNames.fileName(p);
                Entry e = entry(p);
                if (e != null && e.link() && !followsLinks()) {
                    // clamd's cli_ftw drops a link it will not follow as it reads the directory, before the
                    // ExcludePath check: never "Excluded" (counted as the walk below counts a link not followed)
                    total.incrementAndGet();
                    continue;
                }
                if (excluded(name)) { // clamd checks exclusions while reading the directory, before sorting
                    if (command != ClamdCommand.MULTISCAN) sink.reply(name, "Excluded");
                    continue;
                }
                if (e == null) unreadable.add(p);
                else entries.add(e);
            }
        } catch (IOException e) {
            // a directory that cannot be opened: clamd's cli_ftw reports the failed call with its strerror
            // (was "Access denied. ERROR", the reply of a path outside the scan roots)
            total.incrementAndGet();
            errors.incrementAndGet();
            sink.reply(shown, "File path check failure: " + (e instanceof AccessDeniedException ? "Permission denied"
                    : e instanceof FileSystemException f ? strerror(f) : "Input/output error") + ". ERROR");
            return;
        }
        // clamd's order: files before directories, then by inode number (entries that vanished first: no inode)
        entries.sort(CLAMD_ORDER);
        for (Path p : unreadable) {
            if (stop) return;
            total.incrementAndGet();
            errors.incrementAndGet();
            sink.reply(shown.equals("/") ? "/" + RawNames.fileName(p) : shown + "/" + RawNames.fileName(p),
                    "File path check failure: No such file or directory. ERROR");
        }
        for (Entry en : entries) {
            Path p = en.path();
            if (stop) return;
            String name = shown.equals("/") ? "/" + RawNames.fileName(p) : shown + "/" + RawNames.fileName(p);
            Path target = p;
            boolean isDir = en.dir(), isFile = en.file();
            FileDigest.Stamp stamp = en.stamp();
            if (en.link()) {
                // followed only when configured, and only when the link stays inside the roots
                try {
                    BasicFileAttributes t = Files.readAttributes(p, BasicFileAttributes.class);
                    boolean follow = t.isDirectory() ? service.config().followDirectorySymlinks()
                            : service.config().followFileSymlinks();
                    if (!follow || !policy.allows(p)) {
                        total.incrementAndGet();
                        continue;
                    }
                    isDir = t.isDirectory();
                    isFile = t.isRegularFile();
                    stamp = FileDigest.stamp(t);
                    target = p.toRealPath();
                } catch (NoSuchFileException dangling) {
                    // a dangling link, with a Follow*Symlinks option set: clamd's stat fails and it says so (only for
                    // a target that would be inside the roots: nothing is told of the file system outside them)
                    total.incrementAndGet();
                    if (policy.missingInside(p)) {
                        errors.incrementAndGet();
                        sink.reply(name, "File path check failure: No such file or directory. ERROR");
                    }
                    continue;
                } catch (IOException e) {
                    total.incrementAndGet();
                    continue;
                }
            }
            if (topDevice != null && !topDevice.equals(device(stamp.fileKey()))) {
                // clamd's scan_callback: an entry (a link: its target) on another file system is not visited
                if (command != ClamdCommand.MULTISCAN) sink.reply(name, "Excluded (another filesystem)"); // (as "Excluded")
                continue;
            }
            if (isDir) {
                walk(target, name, depth + 1, workers);
            } else if (isFile && onProc(stamp.fileKey())) {
                total.incrementAndGet(); // a file of /proc: passed over in silence, as clamd does (environ, kcore, ...)
            } else if (isFile) {
                if (workers != null) workers.submit(target, name, stamp);
                else scanOne(target, name, stamp);
            } else {
                total.incrementAndGet(); // special files inside a directory are skipped silently
            }
        }
    }

    /**
     * MULTISCAN's workers: MaxThreads platform threads take the walk's files from a bounded queue (one
     * thread per scan slot, not one per file: a platform thread reuses the engine's read buffer).
     */
    private final class Workers {
        private record Job(Path file, String shown, FileDigest.Stamp stamp) {}
        private static final List<Job> END = List.of();
        private final java.util.concurrent.BlockingQueue<List<Job>> queue =
                new java.util.concurrent.ArrayBlockingQueue<>(MULTISCAN_QUEUE / MULTISCAN_BATCH);
        private final Thread[] threads;
        /** The batch the walk is filling (only the walk's thread touches it). */
        private List<Job> batch = new ArrayList<>(MULTISCAN_BATCH);

        Workers(int count) {
            threads = new Thread[Math.max(1, count)];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = Thread.ofPlatform().daemon().name("clamd-multiscan").start(this::work);
            }
        }

        void submit(Path file, String shown, FileDigest.Stamp stamp) throws InterruptedException {
            batch.add(new Job(file, shown, stamp));
            if (batch.size() == MULTISCAN_BATCH) flush();
        }

        private void flush() throws InterruptedException {
            if (batch.isEmpty()) return;
            List<Job> full = batch;
            batch = new ArrayList<>(MULTISCAN_BATCH);
            queue.put(full);
        }

        private void work() {
            try {
                for (List<Job> b = queue.take(); b != END; b = queue.take()) {
                    for (Job j : b) {
                        if (stop) break; // drain: the walk ends soon, or already has
                        try {
                            jobs.incrementAndGet();
                            switch (scanOne(j.file(), j.shown(), j.stamp())) {
                                case ERROR -> jobErrors.incrementAndGet();
                                case INFECTED -> jobInfected.incrementAndGet();
                                default -> { }
                            }
                        } catch (IOException | RuntimeException e) {
                            stop = true; // the client is gone: no reply can be sent
                        }
                    }
                }
            } catch (InterruptedException e) {
                stop = true;
            }
        }

        /** Hands over the last files, ends the workers once the queue is drained, and waits for them. */
        void finish() throws InterruptedException {
            boolean interrupted = false;
            if (!stop) {
                try {
                    flush();
                } catch (InterruptedException e) {
                    interrupted = true;
                    stop = true;
                }
            }
            for (int i = 0; i < threads.length; i++) {
                while (true) {
                    try {
                        queue.put(END);
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true; // still hand every worker its end, or it would wait for ever
                        stop = true;
                    }
                }
            }
            for (Thread t : threads) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        stop = true;
                    }
                }
            }
            if (interrupted) throw new InterruptedException();
        }
    }

    /** {@code stamp}: the file's attributes read before this scan (null: read them now). Returns its outcome. */
    private ScanResult.Status scanOne(Path file, String shown, FileDigest.Stamp stamp) throws IOException, InterruptedException {
        return scanOne(file, shown, stamp, false);
    }

    /** {@code named}: the file is the command's argument (else one the walk met). */
    private ScanResult.Status scanOne(Path file, String shown, FileDigest.Stamp stamp, boolean named)
            throws IOException, InterruptedException {
        total.incrementAndGet();
        boolean all = command == ClamdCommand.ALLMATCHSCAN;
        ScanResult r = null;
        if (OpenedFiles.available()) {
            // (toctou20) open once, check what was opened, scan that (see OpenedFiles). The walk hands over names whose
            // final component is no link (its lstat, or a link's real path): O_NOFOLLOW. The argument may be a link
            // clamd follows: followed, and what it leads to is checked as any other file
            OpenedFiles.Opened f;
            try {
                f = OpenedFiles.open(file, !named);
            } catch (AccessDeniedException e) {
                r = ScanService.DENIED;
                f = null;
            } catch (NoSuchFileException e) {
                r = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, "No such file or directory", 0, null);
                f = null;
            } catch (FileSystemException e) {
                if (!named && "Too many levels of symbolic links".equals(e.getReason())) {
                    return ScanResult.Status.CLEAN; // swapped for a link meanwhile: passed over, as the walk passes links over
                }
                // a component swapped for a file meanwhile (ENOTDIR), ...: what the engine's open said
                r = new ScanResult(ScanResult.Status.ERROR, List.of(), 0, 0, 0, file + ": " + strerror(e), 0, null);
                f = null;
            }
            if (f != null) {
                try (OpenedFiles.Opened o = f) {
                    if (!policy.confinesNothing() && !policy.allowsReal(o.real())) {
                        r = ScanService.DENIED; // a component was swapped for a link out of the roots meanwhile
                    } else if (!o.regular()) {
                        // swapped for a directory, FIFO, device or socket meanwhile: what it is answers, as it would
                        // have before the swap (the argument: not supported; in a walk: passed over)
                        if (named) sink.reply(shown, "Not supported file type ERROR");
                        return ScanResult.Status.CLEAN;
                    } else {
                        r = service.scanOpened(o.procPath(), file.toString(), stamp, all, "clamd", command.word);
                    }
                }
            }
        } else {
            // (daemon15) the engine's open answers for access(2): one system call (and path lookup) less per file
            r = service.scanWalked(file, stamp, all, "clamd", command.word);
        }
        if (r == ScanService.DENIED) {
            errors.incrementAndGet();
            sink.reply(shown, "Access denied. ERROR");
            return ScanResult.Status.ERROR;
        }
        switch (r.status()) {
            case INFECTED -> {
                infected.incrementAndGet();
                if (all) {
                    for (Detection d : r.detections()) sink.reply(shown, d.name() + " FOUND");
                } else {
                    sink.reply(shown, r.detections().get(0).name() + " FOUND");
                }
                if (stopAtFirst) stop = true;
            }
            case ERROR -> {
                errors.incrementAndGet();
                sink.reply(shown, (r.error() == null ? "Scan error" : r.error()) + " ERROR");
            }
            case CLEAN, EMPTY -> { }
        }
        return r.status();
    }

    /** The C library's wording of an I/O error, as clamd prints it. */
    private static String strerror(FileSystemException e) {
        String r = e.getReason();
        return r == null || r.isEmpty() ? "Input/output error" : r;
    }

    private boolean followsLinks() {
        return service.config().followDirectorySymlinks() || service.config().followFileSymlinks();
    }

    private boolean excluded(String path) {
        for (Pattern p : service.config().excludePaths()) if (p.matcher(path).find()) return true;
        return false;
    }

    /**
     * cli_ftw's trimming of a path argument of two characters or more: repeated leading slashes down to one, then
     * every trailing slash ("/" stays "/", "//" becomes "").
     */
    static String trimSlashes(String path) {
        if (path.length() < 2) return path;
        int start = 0, end = path.length();
        while (start + 1 < end && path.charAt(start) == '/' && path.charAt(start + 1) == '/') start++;
        while (end > start && path.charAt(end - 1) == '/') end--;
        return path.substring(start, end);
    }

    private static String stripTrailingSlashes(String s) {
        int end = s.length();
        while (end > 1 && s.charAt(end - 1) == '/') end--;
        return s.substring(0, end);
    }
}
