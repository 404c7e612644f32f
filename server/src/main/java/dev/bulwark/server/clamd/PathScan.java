package dev.bulwark.server.clamd;

import dev.bulwark.engine.Detection;
import dev.bulwark.engine.ScanResult;
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
    private volatile boolean stop;
    /** Files of one MULTISCAN queued or scanning at once (the scan itself is bounded by MaxThreads). */
    private final java.util.concurrent.Semaphore inflight = new java.util.concurrent.Semaphore(64);

    PathScan(ScanService service, PathPolicy policy, ClamdCommand command, Sink sink) {
        this.service = service;
        this.policy = policy;
        this.command = command;
        this.sink = sink;
        this.stopAtFirst = command == ClamdCommand.SCAN || command == ClamdCommand.ALLMATCHSCAN;
    }

    void run(String argument) throws IOException, InterruptedException {
        if (command == ClamdCommand.ALLMATCHSCAN && !service.config().allowAllMatchScan()) {
            sink.reply(argument, "ALLMATCHSCAN command disabled by clamd configuration. ERROR");
            return;
        }
        Path top;
        BasicFileAttributes attrs;
        try {
            top = Path.of(argument.isEmpty() ? "." : argument);
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
        if (attrs.isDirectory()) {
            total.incrementAndGet();
            String base = stripTrailingSlashes(argument);
            if (command == ClamdCommand.MULTISCAN) {
                List<Thread> workers = new ArrayList<>();
                walk(top, base, 0, workers);
                for (Thread t : workers) t.join();
            } else {
                walk(top, base, 0, null);
            }
        } else if (attrs.isRegularFile()) {
            scanOne(top, argument);
        } else {
            total.incrementAndGet(); // clamd counts it as visited but not as an error, so "OK" follows
            sink.reply(argument, "Not supported file type ERROR");
        }
        if (infected.get() == 0 && errors.get() != total.get()) sink.reply(argument, "OK");
    }

    private void walk(Path dir, String shown, int depth, List<Thread> workers) throws IOException, InterruptedException {
        if (depth >= service.config().maxDirectoryRecursion() && service.config().maxDirectoryRecursion() > 0) return;
        record Entry(Path path, BasicFileAttributes attrs, boolean dir, long ino) {}
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (entries.size() >= MAX_DIR_ENTRIES) break;
                String name = shown.equals("/") ? "/" + p.getFileName() : shown + "/" + p.getFileName();
                if (excluded(name)) { // clamd checks exclusions while reading the directory, before sorting
                    if (command != ClamdCommand.MULTISCAN) sink.reply(name, "Excluded");
                    continue;
                }
                BasicFileAttributes a = null;
                long ino = 0;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    ino = ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
                } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                    // reported when the entry is visited
                }
                entries.add(new Entry(p, a, a != null && a.isDirectory(), ino));
            }
        } catch (IOException e) {
            total.incrementAndGet();
            errors.incrementAndGet();
            sink.reply(shown, "Access denied. ERROR");
            return;
        }
        // clamd's order: files before directories, then by inode number
        entries.sort(java.util.Comparator.comparing(Entry::dir).thenComparingLong(Entry::ino));
        for (Entry en : entries) {
            Path p = en.path();
            if (stop) return;
            String name = shown.equals("/") ? "/" + p.getFileName() : shown + "/" + p.getFileName();
            BasicFileAttributes a = en.attrs();
            if (a == null) {
                total.incrementAndGet();
                errors.incrementAndGet();
                sink.reply(name, "File path check failure: No such file or directory. ERROR");
                continue;
            }
            Path target = p;
            if (a.isSymbolicLink()) {
                // followed only when configured, and only when the link stays inside the roots
                try {
                    BasicFileAttributes t = Files.readAttributes(p, BasicFileAttributes.class);
                    boolean follow = t.isDirectory() ? service.config().followDirectorySymlinks()
                            : service.config().followFileSymlinks();
                    if (!follow || !policy.allows(p)) {
                        total.incrementAndGet();
                        continue;
                    }
                    a = t;
                    target = p.toRealPath();
                } catch (IOException e) {
                    total.incrementAndGet();
                    continue;
                }
            }
            if (a.isDirectory()) {
                walk(target, name, depth + 1, workers);
            } else if (a.isRegularFile()) {
                if (workers != null) {
                    Path f = target;
                    inflight.acquire();
                    workers.add(Thread.ofVirtual().start(() -> {
                        try {
                            scanOne(f, name);
                        } catch (IOException | InterruptedException e) {
                            stop = true;
                        } finally {
                            inflight.release();
                        }
                    }));
                } else {
                    scanOne(target, name);
                }
            } else {
                total.incrementAndGet(); // special files inside a directory are skipped silently
            }
        }
    }

    private void scanOne(Path file, String shown) throws IOException, InterruptedException {
        total.incrementAndGet();
        if (!Files.isReadable(file)) {
            errors.incrementAndGet();
            sink.reply(shown, "Access denied. ERROR");
            return;
        }
        boolean all = command == ClamdCommand.ALLMATCHSCAN;
        ScanResult r = service.scanFile(file, all, "clamd", command.word);
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
    }

    /** The C library's wording of an I/O error, as clamd prints it. */
    private static String strerror(FileSystemException e) {
        String r = e.getReason();
        return r == null || r.isEmpty() ? "Input/output error" : r;
    }

    private boolean excluded(String path) {
        for (Pattern p : service.config().excludePaths()) if (p.matcher(path).find()) return true;
        return false;
    }

    private static String stripTrailingSlashes(String s) {
        int end = s.length();
        while (end > 1 && s.charAt(end - 1) == '/') end--;
        return s.substring(0, end);
    }
}
