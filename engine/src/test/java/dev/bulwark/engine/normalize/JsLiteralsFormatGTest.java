package dev.bulwark.engine.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link JsLiterals#formatG}'s integer shortcut (cpu6): an integral value below 10^6 is printed without the
 * decimal rounding, and must print exactly what the rounding path and C's printf %g print.
 */
class JsLiteralsFormatGTest {

    @Test
    void everyShortcutIntegerPrintsAsTheRoundingPath() {
        for (int i = -999_999; i <= 999_999; i++) {
            if (i == 0) continue; // zero is its own case ("0")
            assertEquals(JsLiterals.formatGRounded(i), JsLiterals.formatG(i), "value " + i);
        }
    }

    @Test
    void valuesAroundTheShortcutMatchCsPrintf() throws Exception {
        Path printf = Path.of("/usr/bin/printf");
        assumeTrue(Files.isExecutable(printf), "coreutils printf absent");
        List<Double> values = new ArrayList<>(List.of(1.0, -1.0, 7.0, 10.0, 100000.0, 999999.0, -999999.0, 1e6, -1e6,
                1000001.0, 123456.0, 1234567.0, 0.5, 1.5, -2.5, 3.14159265, 999999.5, 999999.4, 0.0001, 0.00001, 1e21, 12.25));
        Random r = new Random(6);
        for (int k = 0; k < 200; k++) values.add((double) (r.nextInt(4_000_000) - 2_000_000));
        for (int k = 0; k < 100; k++) values.add((r.nextInt(2_000_000) - 1_000_000) / 8.0); // exact binary fractions
        List<String> cmd = new ArrayList<>(List.of(printf.toString(), "%g\\n"));
        for (double v : values) cmd.add(Double.toString(v));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\n");
        assertEquals(true, p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(values.size(), lines.length);
        for (int k = 0; k < values.size(); k++) assertEquals(lines[k], JsLiterals.formatG(values.get(k)), "value " + values.get(k));
    }

    /**
     * html15: values whose shortest decimal form has at most six significant digits are printed from that form
     * ({@link JsLiterals#formatGShortest}), exactly as the rounding path prints them; others go to the rounding.
     */
    @Test
    void shortestFormEqualsTheRoundingPath() {
        Random r = new Random(15);
        List<Double> values = new ArrayList<>(List.of(0.5, 1.5e10, 1.7e12, 1700000000000.0, 1e6, 1e-5, 1e-4, 9.99999e-5,
                999999.5, 9.999995, 0.0001, 123456.7, 1234567.0, 1e21, 1e22, 1e300, 4.9e-324, Double.MAX_VALUE,
                Double.MIN_NORMAL, 0.1, 0.2, 0.30000000000000004, 100.0, 1e7, 1.0e-3, 2.5e-3, 65536.5, 3.14159));
        for (int k = 0; k < 200_000; k++) {
            double v = switch (k % 4) {
                case 0 -> Double.parseDouble((r.nextInt(1_999_999) - 999_999) + "e" + (r.nextInt(80) - 40)); // <= 6 digits
                case 1 -> Double.longBitsToDouble(r.nextLong());
                case 2 -> (r.nextInt(2_000_000) - 1_000_000) / Math.pow(10, r.nextInt(12));
                default -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
            };
            values.add(v);
        }
        int shortcut = 0;
        for (double v : values) {
            if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) continue;
            String s = JsLiterals.formatGShortest(v);
            if (s == null) continue;
            shortcut++;
            assertEquals(JsLiterals.formatGRounded(v), s, "value " + v);
        }
        assertEquals(true, shortcut > 60_000, "values printed by the shortcut: " + shortcut);
        assertEquals("1.5e+10", JsLiterals.formatG(1.5e10));
        assertEquals("1.7e+12", JsLiterals.formatG(1700000000000.0));
        assertEquals("0.0001", JsLiterals.formatG(0.0001));
        assertEquals("1e-05", JsLiterals.formatG(0.00001));
    }
}
