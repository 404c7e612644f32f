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
        return utc() ? ZoneOffset.UTC : ZoneId.systemDefault();
    }

    /** Whether {@link #zone()} is UTC, decided without java.time (see {@link #utcByName}). */
    static boolean utc() {
        return "Linux".equals(System.getProperty("os.name"))
                && isUtcByName(System.getProperty("user.timezone"), System.getenv("TZ"), Path.of("/etc/timezone"), Path.of("/etc/localtime"));
    }

    /**
     * UTC when the zone the JDK would choose is certainly a UTC alias, else null (undecided). The JDK takes
     * the {@code user.timezone} property if set, else {@code TZ} (a leading ':' ignored), else the
     * platform's zone: /etc/timezone's first line (Debian) or the zone named by the /etc/localtime link;
     * without {@code TZ} both of these must name UTC here, whichever the JDK reads.
     */
    static ZoneId utcByName(String property, String tz, Path etcTimezone, Path etcLocaltime) {
        return isUtcByName(property, tz, etcTimezone, etcLocaltime) ? ZoneOffset.UTC : null;
    }

    private static boolean isUtcByName(String property, String tz, Path etcTimezone, Path etcLocaltime) {
        if (property != null && !property.isEmpty()) return UTC_IDS.contains(property);
        if (tz != null && !tz.isEmpty()) return UTC_IDS.contains(tz.startsWith(":") ? tz.substring(1) : tz);
        try {
            if (!Files.isSymbolicLink(etcLocaltime)) return false;
            String link = Files.readSymbolicLink(etcLocaltime).toString();
            int at = link.indexOf("zoneinfo/");
            if (at < 0 || !UTC_IDS.contains(link.substring(at + "zoneinfo/".length()))) return false;
            if (Files.exists(etcTimezone)) {
                String first = firstLine(etcTimezone);
                if (!first.isEmpty() && !UTC_IDS.contains(first)) return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
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

    /** Below this (2^31), a multiple of 1/256 is never within half an ulp of a rounding boundary (x.xx5). */
    private static final double EXACT_MAX = 0x1p31;

    /**
     * C's {@code printf("%.2f", v)} for a finite {@code v} (glibc: the exact binary value, rounded to nearest, ties to
     * even: 0.125 is "0.12", 1.005 is "1.00"), as clamscan prints the summary's figures. (Java's
     * {@code String.format} rounds the shortest decimal form half-up: "0.13", "1.01".) The summary's sizes are whole
     * 4 KiB blocks in MB, multiples of 1/256 whose exact decimal expansion is short: those are rounded in integers.
     * Anything else goes through BigDecimal, whose first use costs a one-file run ~20 ms of CPU.
     */
    static String twoDecimals(double v) {
        double k = v * 256;
        if (Double.doubleToRawLongBits(v) >= 0 && v < EXACT_MAX && k == Math.rint(k)) {
            long e = (long) k * 390_625; // k/256 = e / 10^8, exactly
            long hundredths = e / 1_000_000, rest = e % 1_000_000;
            if (rest > 500_000 || rest == 500_000 && (hundredths & 1) == 1) hundredths++;
            StringBuilder sb = new StringBuilder().append(hundredths / 100).append('.');
            pad(sb, hundredths % 100, 2);
            return sb.toString();
        }
        return new BigDecimal(v).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
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

    /**
     * {@link #date(LocalDateTime)} of the UTC time {@code epochMillis} (years 1 to 9999), computed without
     * java.time: its first use (the date-time classes' initialisation) costs a one-file run ~10 ms of CPU.
     * Days to a civil date as in H. Hinnant's "chrono-compatible low-level date algorithms".
     */
    static String dateUtc(long epochMillis) {
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        long secs = Math.floorMod(epochMillis, 86_400_000L) / 1000;
        long z = days + 719_468; // days since 0000-03-01
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder sb = new StringBuilder(19);
        pad(sb, year, 4);
        pad(sb.append(':'), month, 2);
        pad(sb.append(':'), day, 2);
        pad(sb.append(' '), secs / 3600, 2);
        pad(sb.append(':'), secs / 60 % 60, 2);
        pad(sb.append(':'), secs % 60, 2);
        return sb.toString();
    }

    /** Appends non-negative {@code v} with leading zeros to at least {@code width} digits. */
    private static void pad(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) sb.append('0');
        sb.append(s);
    }
}
