package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.diag.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A second loading thread for hash databases. Hash signatures (.hdb .hsb .mdb .msb .imp .fp .sfp) fill
 * builders of their own (hash indexes, hash names) that no other kind touches, so a large hash file is
 * parsed here while the loading thread parses the body signatures (.ndb .db .ldb) that follow it, and the
 * hash indexes are built here while the loading thread builds the pattern set. Everything else waits for
 * the lane to be idle first: ignore lists, the PUA filter, containers, and any
 * hash file parsed on the loading thread see the lane's work done, as in a one-thread load. Each file
 * parsed here reports to a loader of its own; {@link #join} puts those reports back in load order, so
 * errors, sources and the built database are the same as a one-thread load's. Measured on the medium
 * generated database (500k hashes in 35 MB, 50k bodies): the two hash files are a fifth of the load.
 */
final class HashLane {
    /** Smaller hash files are parsed on the loading thread: a thread hand-over costs more than they do. */
    static final long MIN_FILE = 1 << 20;

    /** Reports of one stretch of the load, in load order. */
    record Reports(List<Diagnostic> errors, List<Diagnostic> warnings, List<String> sources) {}

    private final ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bulwark-load-hashes");
        t.setDaemon(true);
        return t;
    });
    private final List<Future<?>> pending = new ArrayList<>();
    /** Closed stretches of the loading thread's reports and the lane's files', in load order. */
    private final List<Reports> order = new ArrayList<>();

    /**
     * Parses one file here: {@code before} are the loading thread's reports so far (closed: the loading
     * thread goes on with new lists), {@code file} the file's own loader.
     */
    void submit(Reports before, DatabaseLoader file, Runnable parse) {
        order.add(before);
        order.add(new Reports(file.errors(), file.warnings(), file.sources()));
        pending.add(exec.submit(parse));
    }

    /** Runs {@code task} here (the hash indexes' build); its result through {@link #get}. */
    <T> Future<T> submit(Callable<T> task) {
        return exec.submit(task);
    }

    /** Whether files were given to the lane since the last {@link #join}. */
    boolean busy() { return !pending.isEmpty(); }

    /**
     * Waits for every file given to the lane and returns all reports in load order, ending with
     * {@code current} (the loading thread's since the last file given here). An exception that ended a
     * file's parse (not a malformed line: those are reports) is rethrown here.
     */
    Reports join(List<Diagnostic> errors, List<Diagnostic> warnings, List<String> sources) {
        for (Future<?> f : pending) get(f);
        pending.clear();
        order.add(new Reports(errors, warnings, sources));
        Reports all = new Reports(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Reports r : order) {
            all.errors().addAll(r.errors());
            all.warnings().addAll(r.warnings());
            all.sources().addAll(r.sources());
        }
        order.clear();
        return all;
    }

    /** The task's result; its exception rethrown as it was. */
    static <T> T get(Future<T> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the task runs to its end whatever happens: wait for it
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) throw re;
                    if (c instanceof Error er) throw er;
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Waits for whatever still runs (after a failure) and ends the thread. */
    void close() {
        for (Future<?> f : pending) {
            try {
                get(f);
            } catch (RuntimeException | Error e) {
                // the load already failed; this file's own failure adds nothing
            }
        }
        pending.clear();
        exec.shutdown();
    }
}
