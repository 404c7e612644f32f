package dev.bulwark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * The numbers and dates of the scan summary, written out by hand: {@code String.format} and
 * {@code DateTimeFormatter} give the same text but cost a one-file run ~10-30 ms of CPU the first time
 * (the formatter's parser, the locale-provider machinery behind its decimal symbols, the pattern
 * builder), and the default time zone ~25 ms (java.util.TimeZone and java.time each read the JDK's
 * tz database), together a third of what a one-file scan costs. {@code SummaryFormatTest} compares every
 * method with the JDK code it replaces.
 */
final class SummaryFormat {
    /** Zone IDs that the tz database defines as UTC itself (no offset, no history). */
    private static final Set<String> UTC_IDS = Set.of("UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal",
            "Zulu", "Etc/Zulu", "GMT", "Etc/GMT");
    /** The JDK reads at most this much of /etc/timezone's first line (fgets into 256 bytes). */
    private static final int TIMEZONE_LINE_MAX = 255;

    private SummaryFormat() {}

    /**
     * The JVM's default time zone for the summary's dates: {@link ZoneOffset#UTC} without loading the tz
     * database when every source the JDK consults on Linux names UTC, else {@link ZoneId#systemDefault()}.
     */
    static ZoneId zone() {
        ZoneId z = "Linux".equals(System.getProperty("os.name"))
                ? utcByName(System.getProperty("user.timezone"), System.getenv("TZ"), Path.of("/etc/timezone"), Path.of("/etc/localtime"))
                : null;
        return z != null ? z : ZoneId.systemDefault();
    }

    /**
     * UTC when the zone the JDK would choose is certainly a UTC alias, else null (undecided). The JDK takes
     * the {@code user.timezone} property if set, else {@code TZ} (a leading ':' ignored), else the
     * platform's zone: /etc/timezone's first line (Debian) or the zone named by the /etc/localtime link;
     * without {@code TZ} both of these must name UTC here, whichever the JDK reads.
     */
    static ZoneId utcByName(String property, String tz, Path etcTimezone, Path etcLocaltime) {
        if (property != null && !property.isEmpty()) return UTC_IDS.contains(property) ? ZoneOffset.UTC : null;
        if (tz != null && !tz.isEmpty()) return UTC_IDS.contains(tz.startsWith(":") ? tz.substring(1) : tz) ? ZoneOffset.UTC : null;
        try {
            if (!Files.isSymbolicLink(etcLocaltime)) return null;
            String link = Files.readSymbolicLink(etcLocaltime).toString();
            int at = link.indexOf("zoneinfo/");
            if (at < 0 || !UTC_IDS.contains(link.substring(at + "zoneinfo/".length()))) return null;
            if (Files.exists(etcTimezone)) {
                String first = firstLine(etcTimezone);
                if (!first.isEmpty() && !UTC_IDS.contains(first)) return null;
            }
            return ZoneOffset.UTC;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The first line of {@code p} without its newline, as the JDK's fgets reads it (at most TIMEZONE_LINE_MAX bytes). */
    private static String firstLine(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(TIMEZONE_LINE_MAX);
            int n = 0;
            while (n < b.length && b[n] != '\n') n++;
            return new String(b, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    /** {@code String.format(Locale.ROOT, "%.2f", v)} for a finite {@code v} (half-up on the shortest decimal form). */
    static String twoDecimals(double v) {
        return new BigDecimal(Double.toString(v)).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    /** {@code String.format(Locale.ROOT, "%d.%03d sec (%d m %d s)", ms / 1000, ms % 1000, ms / 60000, ms / 1000 % 60)}. */
    static String duration(long ms) {
        StringBuilder sb = new StringBuilder().append(ms / 1000).append('.');
        pad(sb, ms % 1000, 3);
        return sb.append(" sec (").append(ms / 60000).append(" m ").append(ms / 1000 % 60).append(" s)").toString();
    }

    /** {@code DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss").format(t)} for the years 1 to 9999. */
    static String date(LocalDateTime t) {
        StringBuilder sb = new StringBuilder(19);
        pad(sb, t.getYear(), 4);
        pad(sb.append(':'), t.getMonthValue(), 2);
        pad(sb.append(':'), t.getDayOfMonth(), 2);
        pad(sb.append(' '), t.getHour(), 2);
        pad(sb.append(':'), t.getMinute(), 2);
        pad(sb.append(':'), t.getSecond(), 2);
        return sb.toString();
    }

    /** Appends non-negative {@code v} with leading zeros to at least {@code width} digits. */
    private static void pad(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) sb.append('0');
        sb.append(s);
    }
}
