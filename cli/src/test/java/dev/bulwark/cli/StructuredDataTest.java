package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --detect-structured} and its settings against clamscan 1.4: generated text files (valid and
 * invalid card numbers of every issuer range, with and without separators, SSNs in both formats with
 * boundary areas, groups and serials, libclamav's parsing quirks, numbers across the 8191-byte chunk
 * border, counts around the thresholds) must give the same result lines under every option set.
 */
class StructuredDataTest {
    /** One start of each issuer range ClamAV knows, plus prefixes outside every range. */
    private static final String[] PREFIXES = {"100000", "199999", "222100", "272099", "272100", "300000", "305999",
        "306000", "309500", "340000", "352800", "358999", "360000", "370000", "380000", "400000", "499999", "500000",
        "509999", "510000", "559999", "560000", "601100", "601200", "622126", "622925", "622927", "624000", "628200",
        "644000", "659999", "660000", "700000", "000000"};

    private static int luhnCheckDigit(String body) {
        int sum = 0;
        boolean twice = true;
        for (int i = body.length() - 1; i >= 0; i--) {
            int v = body.charAt(i) - '0';
            if (twice && (v *= 2) > 9) v -= 9;
            twice = !twice;
            sum += v;
        }
        return (10 - sum % 10) % 10;
    }

    private static String card(Random r) {
        String prefix = PREFIXES[r.nextInt(PREFIXES.length)];
        int len = 12 + r.nextInt(8); // 12..19 digits
        StringBuilder b = new StringBuilder(prefix);
        while (b.length() < len - 1) b.append(r.nextInt(10));
        int check = luhnCheckDigit(b.toString());
        b.append(r.nextInt(4) == 0 ? (check + 1 + r.nextInt(9)) % 10 : check); // a quarter fail the checksum
        String digits = b.toString();
        if (r.nextInt(3) != 0) return digits;
        // separators: grouped by four, or at random places, up to ten of them
        StringBuilder s = new StringBuilder();
        int breaks = r.nextInt(11);
        for (int i = 0; i < digits.length(); i++) {
            s.append(digits.charAt(i));
            if (i + 1 < digits.length() && (r.nextBoolean() ? (i + 1) % 4 == 0 : r.nextInt(4) == 0) && breaks-- > 0) {
                s.append(r.nextInt(3) == 0 ? "-" : r.nextInt(5) == 0 ? "  " : " ");
            }
        }
        return s.toString();
    }

    private static String pad(int v, int width) {
        String s = String.valueOf(v);
        while (s.length() < width) s = "0" + s;
        return s;
    }

    private static String ssn(Random r) {
        int[] areas = {0, 1, 123, 665, 666, 667, 771, 772, 773, 899, 900, 999};
        int area = r.nextBoolean() ? areas[r.nextInt(areas.length)] : r.nextInt(1000);
        int group = r.nextInt(5) == 0 ? 0 : r.nextInt(5) == 0 ? 99 : r.nextInt(100);
        int serial = r.nextInt(6) == 0 ? 0 : r.nextInt(6) == 0 ? 9999 : r.nextInt(10000);
        String a = pad(area, 3), g = pad(group, 2), s = pad(serial, 4);
        return switch (r.nextInt(8)) {
            case 0, 1, 2 -> a + "-" + g + "-" + s;
            case 3, 4 -> a + g + s;
            case 5 -> a + "-+" + g.charAt(1) + "-" + s;          // sscanf takes a sign in the group field
            case 6 -> a + "- " + g.charAt(1) + "-" + s;          // and skips a blank before it
            default -> a.substring(0, 1 + r.nextInt(3)) + "-" + g + "-" + s.substring(0, 1 + r.nextInt(4)); // short fields
        };
    }

    private static final String[] NOISE = {" ", "\n", " ", ", ", "x", "-", "ID:", "\t", "1", "42", " card ", "+", "a-"};

    private static String text(Random r, int tokens, int minLength) {
        StringBuilder b = new StringBuilder();
        while (tokens-- > 0 || b.length() < minLength) {
            b.append(NOISE[r.nextInt(NOISE.length)]);
            switch (r.nextInt(5)) {
                case 0, 1 -> b.append(card(r));
                case 2, 3 -> b.append(ssn(r));
                default -> { for (int k = r.nextInt(20); k > 0; k--) b.append(r.nextInt(10)); }
            }
        }
        return b.append('\n').toString();
    }

    private static Path files(Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("files"));
        Random r = new Random(20261125);
        for (int i = 0; i < 300; i++) {
            int tokens = i < 200 ? 1 + r.nextInt(3) : 1 + r.nextInt(40);
            Files.writeString(dir.resolve("gen" + i + ".txt"), "data " + text(r, tokens, 0), StandardCharsets.US_ASCII);
        }
        // longer files: numbers around the 8191-byte chunk border, and many chunks
        for (int i = 0; i < 30; i++) {
            StringBuilder b = new StringBuilder("text ");
            b.append("y".repeat(8191 - 5 - 20 + r.nextInt(30)));
            b.append(text(r, 3 + r.nextInt(10), i < 15 ? 0 : 30_000));
            Files.writeString(dir.resolve("long" + i + ".txt"), b, StandardCharsets.US_ASCII);
        }
        // fixed cases: exact thresholds of a known valid card and SSN, adjacent digits, the NUL quirk after the head
        String visa = "4111111111111111", ssn = "123-45-6789";
        for (int n = 0; n <= 6; n++) {
            Files.writeString(dir.resolve("visa" + n + ".txt"), "cards " + (visa + " ").repeat(n) + "\n");
            Files.writeString(dir.resolve("ssn" + n + ".txt"), "ssns " + (ssn + " ").repeat(n) + "\n");
            Files.writeString(dir.resolve("tight" + n + ".txt"), "t " + (visa + "x").repeat(n) + (ssn + "y").repeat(n) + "\n");
        }
        Files.writeString(dir.resolve("adjacent.txt"), "n 1" + visa + " 9" + ssn + " " + visa + "1 " + ssn + "7\n");
        byte[] head = ("head " + "z".repeat(1100) + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "123456\0x 234-56-78\0y 1234567\0 z\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] nul = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, nul, head.length, tail.length);
        Files.write(dir.resolve("nul-after-head.txt"), nul);
        return dir;
    }

    private static TreeSet<String> lines(String out) {
        return new TreeSet<>(Arrays.asList(out.split("\n")));
    }

    @Test
    void sameResultsAsClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        Path dir = files(tmp);
        Path db = Files.writeString(tmp.resolve("t.ndb"), "Unused.Test:0:*:0011223344556677\n");
        String[][] settings = {
            {"--structured-cc-count=1", "--structured-ssn-count=1", "--structured-ssn-format=2"},
            {"--structured-cc-count=2", "--structured-ssn-count=2"},
            {"--structured-cc-count=3", "--structured-ssn-count=4", "--structured-ssn-format=1"},
            {"--structured-cc-count=5", "--structured-ssn-count=5", "--structured-ssn-format=2", "--structured-cc-mode=1"},
            {"--structured-cc-count=0", "--structured-ssn-count=0", "--structured-ssn-format=2"},
            {"--structured-cc-count=4294967297", "--structured-ssn-count=2", "--structured-cc-mode=yes"},
            // a repeated single-valued option: clamscan keeps the first value
            {"--structured-cc-count=1", "--structured-cc-count=5", "--structured-ssn-count=5", "--structured-ssn-count=1"},
            {},
        };
        int infected = 0;
        for (String[] s : settings) {
            // --allmatch: with both kinds found, clamscan picks the one it prints from a hash map (at random)
            List<String> args = new ArrayList<>(List.of("--no-summary", "--allmatch", "--detect-structured", "-d", db.toString()));
            args.addAll(Arrays.asList(s));
            args.add(dir.toString());
            ScanCommandTest.Run c = ScanCommandTest.clamscan(args.toArray(String[]::new));
            ScanCommandTest.Run b = ScanCommandTest.bulwark(args.toArray(String[]::new));
            assertEquals(c.rc(), b.rc(), "exit code with " + Arrays.toString(s) + "\n" + b.err());
            assertEquals(lines(c.out()), lines(b.out()), "lines with " + Arrays.toString(s));
            infected += (int) c.out().lines().filter(l -> l.endsWith("FOUND")).count();
        }
        assertTrue(infected > 200, "the generated files exercise both outcomes: " + infected + " alerts");
    }

    @Test
    void settingsErrorsAsClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        Path dir = files(tmp);
        Path db = Files.writeString(tmp.resolve("t.ndb"), "Unused.Test:0:*:0011223344556677\n");
        for (String[] s : new String[][] {{"--structured-ssn-format=3"}, {"--structured-ssn-format=4294967295"},
                {"--structured-cc-count=-1"}, {"--structured-cc-mode=2"}}) {
            List<String> args = new ArrayList<>(List.of("--no-summary", "--detect-structured", "-d", db.toString()));
            args.addAll(Arrays.asList(s));
            args.add(dir.resolve("visa3.txt").toString());
            ScanCommandTest.Run c = ScanCommandTest.clamscan(args.toArray(String[]::new));
            ScanCommandTest.Run b = ScanCommandTest.bulwark(args.toArray(String[]::new));
            assertEquals(c.rc(), b.rc(), "exit code with " + Arrays.toString(s) + "\n" + c.err() + "\n" + b.err());
            assertEquals(lines(c.out()), lines(b.out()), "lines with " + Arrays.toString(s));
        }
    }
}
