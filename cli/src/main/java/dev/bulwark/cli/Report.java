package dev.bulwark.cli;

import dev.bulwark.engine.RawNames;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Result lines to standard output and, for everything but "OK", to the --log file, as clamscan's logg() does:
 * --quiet silences the terminal only (the log still gets the detections, the warnings and the summary), and a new
 * log file is created rw-r----- as clamscan creates it.
 */
final class Report implements AutoCloseable {
    private final PrintStream out;
    private final boolean quiet;
    private final Writer log;
    private final java.nio.channels.FileChannel logChannel;

    Report(ClamscanOptions o, PrintStream out) throws IOException {
        this.out = out;
        this.quiet = o.quiet;
        if (o.log != null) {
            logChannel = open(RawNames.path(o.log));
            log = Channels.newWriter(logChannel, StandardCharsets.UTF_8);
            log.write("\n" + "-".repeat(79) + "\n\n");
        } else {
            logChannel = null;
            log = null;
        }
    }

    private static java.nio.channels.FileChannel open(Path p) throws IOException {
        try {
            return java.nio.channels.FileChannel.open(p, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } catch (FileAlreadyExistsException | UnsupportedOperationException e) {
            return java.nio.channels.FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
    }

    /** A result line: to standard output unless --quiet, to the log when {@code toLog}. */
    void line(String s, boolean toLog) throws IOException {
        if (RawNames.nonAscii(s)) { // a name that is not UTF-8 (or any non-ASCII name under LANG=C): its bytes, as clamscan prints them
            byte[] b = RawNames.bytes(s + "\n");
            if (!quiet) out.write(b);
            if (toLog && log != null) {
                log.flush();
                logChannel.write(java.nio.ByteBuffer.wrap(b));
            }
            return;
        }
        if (!quiet) out.println(s);
        if (toLog && log != null) log.write(s + "\n");
    }

    /** A warning or error line: to {@code stream} (standard error, or output with --stdout) unless --quiet, and to the log. */
    void warning(PrintStream stream, String s) throws IOException {
        if (RawNames.nonAscii(s)) { // a name's bytes, as clamscan prints them
            byte[] b = RawNames.bytes(s + "\n");
            if (!quiet) stream.write(b);
            if (log != null) {
                log.flush();
                logChannel.write(java.nio.ByteBuffer.wrap(b));
            }
            return;
        }
        if (!quiet) stream.println(s);
        if (log != null) log.write(s + "\n");
    }

    /** An error line: to {@code stream} even with --quiet (clamscan's logg prints errors then too), and to the log. */
    void error(PrintStream stream, String s) throws IOException {
        stream.println(s);
        if (log != null) log.write(s + "\n");
    }

    void summaryLine(String s) throws IOException {
        line(s, true);
    }

    @Override
    public void close() throws IOException {
        out.flush();
        if (log != null) log.close();
    }
}
