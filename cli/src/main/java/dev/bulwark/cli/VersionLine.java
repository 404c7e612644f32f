package dev.bulwark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;

/**
 * {@code bulwark scan -V}: one line in the shape of clamscan 1.4.6's, {@code NAME/DAILY-VERSION/DAILY-DATE}, or
 * {@code NAME} alone when the database directory holds no readable daily.cvd/daily.cld (as clamscan does).
 * NAME says what runs ("Bulwark 0.1.0 (ClamAV 1.4.6 compatible)"); the second and third fields are the ClamAV
 * daily database's version and build date, read from its header as clamscan reads them, so a script that takes
 * clamscan's fields 2 and 3 gets the same database version and date. The directory is the first {@code -d}
 * (clamscan does not look at the others), else the default database directory.
 */
final class VersionLine {
    /** The clamscan release whose options, output and exit codes {@code bulwark scan} follows. */
    static final String CLAMSCAN_COMPATIBLE = "1.4.6";
    /** A CVD's header: 512 bytes of colon-separated fields, padded with spaces. */
    private static final int CVD_HEADER = 512;

    private VersionLine() {}

    static String of(List<Path> databases, Path defaultDir) {
        Path dir = databases.isEmpty() ? defaultDir : databases.get(0);
        String name = "Bulwark " + ScanCommand.VERSION + " (ClamAV " + CLAMSCAN_COMPATIBLE + " compatible)";
        long[] cvd = header(dir.resolve("daily.cvd")), cld = header(dir.resolve("daily.cld"));
        long[] daily = cld != null && (cvd == null || cld[0] > cvd[0]) ? cld : cvd;
        if (daily == null || daily[0] == 0) return name;
        return name + "/" + daily[0] + "/" + ctime(daily[1]);
    }

    /** {version, build time in seconds} from a CVD header, or null when it is missing or not a CVD. */
    private static long[] header(Path f) {
        byte[] h;
        try (InputStream in = Files.newInputStream(f)) {
            h = in.readNBytes(CVD_HEADER);
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or missing: as clamscan, no version from it
        }
        String head = new String(h, StandardCharsets.ISO_8859_1);
        int end = head.length(); // a C string: the header ends at its first line break or NUL
        for (int i = 0; i < end; i++) if (head.charAt(i) == '\n' || head.charAt(i) == '\r' || head.charAt(i) == 0) end = i;
        String[] fields = head.substring(0, end).split(":", -1);
        // clamscan takes the header only when the fields up to the builder's name are there
        if (fields.length < 8 || !fields[0].equals("ClamAV-VDB")) return null;
        return new long[] {atoi(fields[2]), fields.length > 8 ? atoi(fields[8]) : 0};
    }

    /** C's atoi as far as a header field needs it: leading blanks, a sign, digits; 0 when there are none. */
    private static long atoi(String s) {
        int i = 0, n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) i++;
        boolean neg = i < n && s.charAt(i) == '-';
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) i++;
        long v = 0;
        for (; i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < Integer.MAX_VALUE; i++) v = v * 10 + (s.charAt(i) - '0');
        return (int) (neg ? -v : v); // atoi's int, as clamscan stores it
    }

    /** C's ctime() without its newline ("Thu Nov  5 09:01:02 2026"), in the local time zone. */
    private static String ctime(long seconds) {
        ZonedDateTime t = Instant.ofEpochSecond(seconds).atZone(SummaryFormat.zone());
        return String.format(Locale.ROOT, "%s %s%3d %02d:%02d:%02d %d",
                t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT), t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getYear());
    }
}
