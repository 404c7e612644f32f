package dev.bulwark.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The syntax of a {@code clamd.conf} file: {@code Name value} per line, {@code #} comments, blank lines
 * ignored, values optionally in double quotes, a line starting with {@code Example} makes the file
 * invalid (as in clamd). Only syntax is checked here; {@link DaemonConfig} knows the option names.
 */
public final class ConfFile {
    /** One {@code Name value} line with its position. */
    public record Entry(String name, String value, int line) {}

    private static final int MAX_LINE = 8192; // clamd reads lines into a fixed buffer; longer lines are garbage
    private static final int MAX_LINES = 100_000; // a configuration file, not a data file

    private final String source;
    private final Map<String, List<Entry>> entries;

    private ConfFile(String source, Map<String, List<Entry>> entries) {
        this.source = source;
        this.entries = entries;
    }

    public String source() { return source; }

    /** Every option name in file order, each with all its values (repeatable options keep all). */
    public Map<String, List<Entry>> entries() { return entries; }

    /**
     * This file with {@code overrides} (e.g. from the command line) put before its own lines: the first value
     * of a single-valued option counts (as clamd, which parses its command line before the file), so an
     * override wins; the values of a repeatable option add up.
     */
    public ConfFile with(ConfFile overrides) {
        Map<String, List<Entry>> map = new LinkedHashMap<>();
        entries.forEach((k, v) -> map.put(k, new ArrayList<>(v)));
        overrides.entries.forEach((k, v) -> map.computeIfAbsent(k, x -> new ArrayList<>()).addAll(0, v));
        map.replaceAll((k, v) -> List.copyOf(v));
        return new ConfFile(source, java.util.Collections.unmodifiableMap(map));
    }

    public static ConfFile read(Path file) throws IOException {
        if (Files.size(file) > (long) MAX_LINE * MAX_LINES) {
            throw new ConfigError(file.toString(), 0, "file too large for a configuration file");
        }
        return parse(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    public static ConfFile parse(String source, String text) {
        Map<String, List<Entry>> map = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        if (lines.length > MAX_LINES) throw new ConfigError(source, MAX_LINES, "too many lines");
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String raw = lines[i];
            if (raw.length() > MAX_LINE) throw new ConfigError(source, lineNo, "line longer than " + MAX_LINE + " characters");
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("Example")) {
                throw new ConfigError(source, lineNo, "the file still contains the 'Example' line; remove it to use the file");
            }
            int sep = indexOfBlank(line);
            String name = sep < 0 ? line : line.substring(0, sep);
            String value = sep < 0 ? "" : line.substring(sep).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            } else if (value.startsWith("\"")) {
                throw new ConfigError(source, lineNo, "option " + name + ": unterminated quoted value");
            }
            map.computeIfAbsent(name, k -> new ArrayList<>()).add(new Entry(name, value, lineNo));
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        return new ConfFile(source, java.util.Collections.unmodifiableMap(map));
    }

    private static int indexOfBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') return i;
        }
        return -1;
    }

    /** A configuration problem with its position ({@code file:line: message}). */
    public static final class ConfigError extends RuntimeException {
        private final String file;
        private final int line;

        public ConfigError(String file, int line, String message) {
            super(file + (line > 0 ? ":" + line : "") + ": " + message);
            this.file = file;
            this.line = line;
        }

        public String file() { return file; }
        public int line() { return line; }
    }
}
