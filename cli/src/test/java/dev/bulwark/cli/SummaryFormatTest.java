package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SummaryFormat} against the JDK formatters it stands in for, over many values. */
class SummaryFormatTest {
    @Test
    void twoDecimalsLikeCPrintf() {
        // the summary's sizes: whole 4 KiB blocks in MB, i.e. multiples of 1/256, exact ties (x.xx5) included
        for (long k = 0; k < 300_000; k++) {
            double mb = k / 256.0;
            assertEquals(printf(mb), SummaryFormat.twoDecimals(mb), "k=" + k);
        }
        // ratios and other doubles, small to huge, and decimal ties of the shortest form (0.125, 2.675, ...)
        Random r = new Random(42);
        for (int i = 0; i < 300_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextDouble() * 10;
                case 1 -> r.nextInt(100_000) / 1000.0 + 0.005;
                case 2 -> Math.scalb(r.nextDouble(), r.nextInt(80) - 40);
                default -> r.nextLong(1L << 53) / (double) (1 + r.nextInt(1 << 20));
            };
            assertEquals(printf(v), SummaryFormat.twoDecimals(v), "v=" + v);
        }
        // (cli15) as glibc prints them (clamscan "Data read: 0.12 MB" for 32 blocks): ties to even on the exact value
        String[][] c = {{"0.125", "0.12"}, {"0.375", "0.38"}, {"1.005", "1.00"}, {"2.675", "2.67"}, {"0.015", "0.01"},
                {"9.995", "9.99"}, {"1.125", "1.12"}, {"0.171875", "0.17"}};
        for (String[] x : c) assertEquals(x[1], SummaryFormat.twoDecimals(Double.parseDouble(x[0])), x[0]);
        for (double v : new double[] {0.0, 0.005, 0.015, 0.125, 1.005, 2.675, 1e-7, 9.995, 99.995, 1e7, 1.2345e15, 4.5e300}) {
            assertEquals(printf(v), SummaryFormat.twoDecimals(v), "v=" + v);
        }
    }

    /** C's printf("%.2f", v) in glibc: the exact binary value, rounded to nearest, ties to even. */
    private static String printf(double v) {
        return new java.math.BigDecimal(v).setScale(2, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    @Test
    void durationLikeStringFormat() {
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long ms = i < 5000 ? i : r.nextLong(1L << 40);
            assertEquals(String.format(Locale.ROOT, "%d.%03d sec (%d m %d s)", ms / 1000, ms % 1000, ms / 60000, (ms / 1000) % 60),
                    SummaryFormat.duration(ms), "ms=" + ms);
        }
    }

    @Test
    void dateLikeDateTimeFormatter() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss");
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            LocalDateTime t = LocalDateTime.of(1 + r.nextInt(9999), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60),
                    r.nextInt(60), r.nextInt(1_000_000_000));
            assertEquals(f.format(t), SummaryFormat.date(t), t.toString());
        }
        LocalDateTime now = LocalDateTime.now();
        assertEquals(f.format(now), SummaryFormat.date(now));
    }

    @Test
    void utcDateLikeJavaTime() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss");
        long min = LocalDateTime.of(1, 1, 1, 0, 0).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        long max = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_000_000).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        Random r = new Random(11);
        List<Long> ms = new ArrayList<>(List.of(min, max, 0L, -1L, 1L, 86_399_999L, 86_400_000L, 951_782_400_000L /* 2000-02-29 */,
                4_107_456_000_000L /* 2100-02-28 */, System.currentTimeMillis()));
        for (int i = 0; i < 200_000; i++) ms.add(i % 2 == 0 ? r.nextLong(min, max + 1) : r.nextLong(0, 4_102_444_800_000L));
        for (long m : ms) {
            LocalDateTime t = LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(m), java.time.ZoneOffset.UTC);
            assertEquals(f.format(t), SummaryFormat.dateUtc(m), "ms=" + m);
        }
    }

    @Test
    void utcOnlyWhenEverySourceTheJdkMayReadSaysUtc(@TempDir Path dir) throws IOException {
        Path utcLink = Files.createSymbolicLink(dir.resolve("localtime-utc"), Path.of("/usr/share/zoneinfo/Etc/UTC"));
        Path parisLink = Files.createSymbolicLink(dir.resolve("localtime-paris"), Path.of("/usr/share/zoneinfo/Europe/Paris"));
        Path copied = Files.writeString(dir.resolve("localtime-file"), "TZif");
        Path none = dir.resolve("absent");
        Path utcFile = Files.writeString(dir.resolve("timezone-utc"), "Etc/UTC\n");
        Path parisFile = Files.writeString(dir.resolve("timezone-paris"), "Europe/Paris\n");
        Path spaced = Files.writeString(dir.resolve("timezone-spaced"), "Etc/UTC \n");
        // the property wins, then TZ (leading ':' ignored), then the platform files
        assertEquals(ZoneOffset.UTC, SummaryFormat.utcByName("UTC", "Europe/Paris", parisFile, parisLink));
        assertNull(SummaryFormat.utcByName("Europe/Paris", "UTC", utcFile, utcLink));
        assertEquals(ZoneOffset.UTC, SummaryFormat.utcByName("", ":Etc/UTC", parisFile, parisLink));
        assertNull(SummaryFormat.utcByName(null, "Europe/Paris", utcFile, utcLink));
        assertNull(SummaryFormat.utcByName(null, "UTC0", utcFile, utcLink), "POSIX rules: left to the JDK");
        assertEquals(ZoneOffset.UTC, SummaryFormat.utcByName(null, null, utcFile, utcLink));
        assertEquals(ZoneOffset.UTC, SummaryFormat.utcByName(null, "", none, utcLink));
        assertNull(SummaryFormat.utcByName(null, null, parisFile, utcLink), "the two files disagree");
        assertNull(SummaryFormat.utcByName(null, null, utcFile, parisLink), "the two files disagree");
        assertNull(SummaryFormat.utcByName(null, null, spaced, utcLink), "the JDK would take 'Etc/UTC ' as it is");
        assertNull(SummaryFormat.utcByName(null, null, utcFile, copied), "a copied zone file: left to the JDK");
        assertNull(SummaryFormat.utcByName(null, null, utcFile, none));
    }

    @Test
    void zoneAgreesWithTheJdkHere() {
        ZoneId z = SummaryFormat.zone();
        Instant t = Instant.now();
        assertEquals(ZoneId.systemDefault().getRules().getOffset(t), z.getRules().getOffset(t));
        assertEquals(LocalDateTime.ofInstant(t, ZoneId.systemDefault()), LocalDateTime.ofInstant(t, z));
    }
}
