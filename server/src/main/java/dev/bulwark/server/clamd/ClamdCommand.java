package dev.bulwark.server.clamd;

/**
 * The clamd 1.4 command table, in clamd's matching order (a command is recognised by prefix, so
 * {@code VERSIONCOMMANDS} precedes {@code VERSION} and {@code DETSTATSCLEAR} precedes {@code DETSTATS}).
 */
public enum ClamdCommand {
    SCAN("SCAN", true, true),
    QUIT("QUIT", false, true),
    RELOAD("RELOAD", false, true),
    PING("PING", false, true),
    CONTSCAN("CONTSCAN", true, true),
    VERSIONCOMMANDS("VERSIONCOMMANDS", false, false),
    VERSION("VERSION", false, true),
    END("END", false, false),
    SHUTDOWN("SHUTDOWN", false, true),
    MULTISCAN("MULTISCAN", true, true),
    FILDES("FILDES", false, true),
    STATS("STATS", false, false),
    IDSESSION("IDSESSION", false, false),
    INSTREAM("INSTREAM", false, false),
    DETSTATSCLEAR("DETSTATSCLEAR", false, true),
    DETSTATS("DETSTATS", false, true),
    ALLMATCHSCAN("ALLMATCHSCAN", true, false),
    UNKNOWN("", false, false);

    final String word;
    final boolean needsArgument;
    final boolean oldStyleAllowed;

    ClamdCommand(String word, boolean needsArgument, boolean oldStyleAllowed) {
        this.word = word;
        this.needsArgument = needsArgument;
        this.oldStyleAllowed = oldStyleAllowed;
    }

    /** The list clamd prints after {@code COMMANDS:} in its VERSIONCOMMANDS reply. */
    static final String COMMAND_LIST = buildList();

    private static String buildList() {
        StringBuilder sb = new StringBuilder();
        for (ClamdCommand c : values()) if (c != UNKNOWN) sb.append(' ').append(c.word);
        return sb.toString();
    }

    /** A recognised command and its argument (taken verbatim after exactly one separator byte). */
    public record Parsed(ClamdCommand command, String argument) {}

    /** Matches a command line (without prefix and terminator) as clamd's {@code parse_command}. */
    public static Parsed parse(String line, boolean oldStyle) {
        for (ClamdCommand c : values()) {
            if (c == UNKNOWN || !line.startsWith(c.word)) continue;
            int len = c.word.length();
            String arg = null;
            if (c.needsArgument) {
                if (line.length() == len) return new Parsed(UNKNOWN, null);
                arg = line.substring(len + 1);
            } else if (line.length() != len) {
                return new Parsed(UNKNOWN, null);
            }
            if (oldStyle && !c.oldStyleAllowed) return new Parsed(UNKNOWN, null);
            return new Parsed(c, arg);
        }
        return new Parsed(UNKNOWN, null);
    }
}
