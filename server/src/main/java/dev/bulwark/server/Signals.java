package dev.bulwark.server;

/** SIGUSR2 reloads the database, as in clamd (best effort: the JDK's signal API is unsupported). */
final class Signals {
    private Signals() {}

    @SuppressWarnings("removal")
    static void onReload(Runnable r) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR2"), s -> Thread.ofVirtual().start(r));
        } catch (IllegalArgumentException | LinkageError e) {
            // signal not available on this platform/JVM: RELOAD and the REST reload still work
        }
    }
}
