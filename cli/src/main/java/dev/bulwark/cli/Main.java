package dev.bulwark.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code bulwark} command dispatcher. Each sub-command is a class with
 * {@code public static int run(String[] args)} returning the process exit code. The commands of this
 * module are called directly; those that live in optional modules are looked up by name so the CLI
 * starts without loading them (a reflective call costs a start-up of a few ms: the JDK generates its
 * method-handle accessor at run time).
 */
public final class Main {
    /** Commands in optional modules, by class name. */
    private static final Map<String, String> OPTIONAL = Map.of("daemon", "dev.bulwark.server.DaemonCommand");

    private Main() {}

    public static void main(String[] args) {
        // (startup15) started by bin/bulwark's fast path: first make sure the AOT cache was made from these jars
        String aotJars = System.getProperty(AotJars.PROPERTY);
        if (aotJars != null && AotJars.stale(java.nio.file.Path.of(aotJars))) exit(AotJars.rerun(java.nio.file.Path.of(aotJars), args.length), false);
        int rc = run(args);
        exit(rc, args.length > 0 && OPTIONAL.containsKey(args[0]));
    }

    /**
     * Ends the process. {@code System.exit} logs the exit through {@code System.Logger}, which starts the
     * JDK's logging (a service lookup through every jar on the class path, logging.properties): ~10 ms of
     * CPU, a tenth of a one-file scan. The commands of this module register no shutdown hooks and leave
     * nothing to delete on exit, so after flushing the standard streams they halt; the optional modules'
     * commands (the daemon's shutdown hook) exit normally.
     */
    static void exit(int code, boolean hooks) {
        if (hooks) System.exit(code);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println("usage: bulwark <command> [options]\n\n"
                    + "  scan     scan files and directories (clamscan-compatible options)\n"
                    + "  yara     run YARA rules over files (yara-compatible options)\n"
                    + "  daemon   run the clamd / ICAP / REST server\n"
                    + "  db       compile and inspect signature databases\n");
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "scan": return ScanCommand.run(rest);
            case "yara": return dev.bulwark.cli.yara.YaraCommand.run(rest);
            case "db": return dev.bulwark.cli.db.DbCommand.run(rest);
            default: break;
        }
        String cls = OPTIONAL.get(args[0]);
        if (cls == null) {
            System.err.println("bulwark: unknown command '" + args[0] + "' (try bulwark --help)");
            return 2;
        }
        try {
            Method m = Class.forName(cls).getMethod("run", String[].class);
            return (int) m.invoke(null, (Object) rest);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            System.err.println("bulwark: command '" + args[0] + "' is not available in this build");
            return 2;
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
