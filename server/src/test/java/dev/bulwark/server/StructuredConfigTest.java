package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code StructuredDataDetection} and the {@code Structured*} settings in clamd.conf: the real clamd 1.4 and
 * Bulwark, on the same configuration, answer {@code ALLMATCHSCAN} of every test file with the same lines
 * (sorted: with both kinds found clamd orders them at random).
 */
class StructuredConfigTest {
    @TempDir Path tmp;

    private static String luhn(String body) {
        int sum = 0;
        boolean twice = true;
        for (int i = body.length() - 1; i >= 0; i--) {
            int v = body.charAt(i) - '0';
            if (twice && (v *= 2) > 9) v -= 9;
            twice = !twice;
            sum += v;
        }
        return body + (10 - sum % 10) % 10;
    }

    private List<Path> files() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("files"));
        List<Path> out = new ArrayList<>();
        String[] kinds = {"4111111111111111", "5000000000000009", "378282246310005", "123-45-6789", "234567890", "4111111111111112"};
        for (String k : kinds) {
            for (int n = 0; n <= 4; n++) out.add(Files.writeString(dir.resolve(k + "x" + n + ".txt"), "list: " + (k + ", ").repeat(n) + "\n"));
        }
        Random r = new Random(7);
        for (int i = 0; i < 40; i++) {
            StringBuilder b = new StringBuilder("generated ");
            for (int t = r.nextInt(8); t >= 0; t--) {
                switch (r.nextInt(3)) {
                    case 0 -> {
                        StringBuilder c = new StringBuilder(String.valueOf(3 + r.nextInt(4)));
                        while (c.length() < 15) c.append(r.nextInt(10));
                        b.append(r.nextInt(3) == 0 ? c + "0" : luhn(c.toString()));
                    }
                    case 1 -> b.append(String.format("%03d-%02d-%04d", r.nextInt(800), r.nextInt(100), r.nextInt(10000)));
                    default -> b.append(String.format("%03d%02d%04d", r.nextInt(800), r.nextInt(100), r.nextInt(10000)));
                }
                b.append(r.nextBoolean() ? " " : "\n");
            }
            out.add(Files.writeString(dir.resolve("gen" + i + ".txt"), b));
        }
        Path zip = dir.resolve("nested.zip");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry("cards.txt"));
            z.write("cards 4111111111111111 5555555555554444 378282246310005\n".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
        }
        out.add(zip);
        return out;
    }

    private static TreeSet<String> lines(byte[] reply) {
        return new TreeSet<>(Arrays.asList(new String(reply, StandardCharsets.UTF_8).split("[\n\0]")));
    }

    @Test
    void sameRepliesAsClamdForEachSetting() throws Exception {
        Assumptions.assumeTrue(RealClamd.available(), "clamd not installed");
        List<Path> files = files();
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(db.resolve("t.ndb"), "Unused.Test:0:*:0011223344556677\n");
        String[] configs = {
            "StructuredDataDetection yes\n",
            "StructuredDataDetection yes\nStructuredMinCreditCardCount 1\nStructuredMinSSNCount 2\nStructuredSSNFormatStripped yes\n",
            "StructuredDataDetection yes\nStructuredSSNFormatNormal no\nStructuredSSNFormatStripped yes\nStructuredCCOnly yes\n"
                    + "StructuredMinCreditCardCount 0\nStructuredMinSSNCount 4294967295\n",
            "StructuredDataDetection yes\nStructuredSSNFormatNormal no\nStructuredMinCreditCardCount 4\n",
            "StructuredDataDetection no\nStructuredMinCreditCardCount 1\n",
            // the first value of a repeated single-valued option counts in clamd.conf
            "StructuredDataDetection yes\nStructuredMinCreditCardCount 1\nStructuredMinCreditCardCount 5\nStructuredMinSSNCount 4\nStructuredMinSSNCount 1\n",
        };
        int n = 0, found = 0;
        for (String conf : configs) {
            Path c = Files.createDirectories(tmp.resolve("c" + n)), b = Files.createDirectories(tmp.resolve("b" + n++));
            try (RealClamd clamd = new RealClamd(c, db, conf); TestDaemon bulwark = new TestDaemon(b, db, conf)) {
                for (Path f : files) {
                    byte[] req = ("zALLMATCHSCAN " + f + "\0").getBytes(StandardCharsets.UTF_8);
                    TreeSet<String> want = lines(RealClamd.exchange(clamd.port, req, 10_000));
                    assertEquals(want, lines(RealClamd.exchange(bulwark.port(), req, 10_000)),
                            f.getFileName() + " with " + conf.replace('\n', ';'));
                    found += (int) want.stream().filter(l -> l.endsWith("FOUND")).count();
                }
            }
        }
        assertTrue(found > 50, "both outcomes are exercised: " + found);
    }
}
