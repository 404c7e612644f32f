package dev.bulwark.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Result lines to standard output and, for everything but "OK", to the --log file (as clamscan does). */
final class Report implements AutoCloseable {
    private final PrintStream out;
    private final Writer log;

    Report(ClamscanOptions o, PrintStream out) throws IOException {
        this.out = out;
        if (o.log != null) {
            log = Files.newBufferedWriter(Path.of(o.log), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            log.write("\n" + "-".repeat(79) + "\n\n");
        } else {
            log = null;
        }
    }

    void line(String s, boolean toLog) throws IOException {
        out.println(s);
        if (toLog && log != null) log.write(s + "\n");
    }

    void summaryLine(String s) throws IOException {
        out.println(s);
        if (log != null) log.write(s + "\n");
    }

    @Override
    public void close() throws IOException {
        out.flush();
        if (log != null) log.close();
    }
}
