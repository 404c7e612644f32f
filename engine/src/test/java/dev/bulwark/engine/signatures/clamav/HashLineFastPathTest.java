package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hash lines parsed from the bytes ({@code SignatureBuilder.hashLineFast}) load exactly as through the
 * string parser: the same database is loaded once plainly and once next to an ignore list naming no
 * signature of it, which sends every line through the string parser. Lines of every shape the fast path
 * takes or declines, and each malformed line gives the same error either way.
 */
class HashLineFastPathTest {
    @TempDir
    Path dir;

    private Database load(byte[] hdb, boolean slow, String name) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name + (slow ? "-slow" : "-fast")));
        Files.write(d.resolve("x.hsb"), hdb);
        if (slow) Files.writeString(d.resolve("a.ign2"), "No.Such.Signature.Anywhere\n");
        return DatabaseLoader.load(List.of(d), LoadOptions.defaults());
    }

    private record Line(byte[] digest, long size, byte[] text) {}

    @Test
    void everyAcceptedShapeLoadsTheSameEntriesAndNames() throws Exception {
        Random r = new Random(17);
        List<Line> lines = new ArrayList<>();
        ByteArrayOutputStream db = new ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            byte[] d = new byte[new int[] {16, 20, 32}[r.nextInt(3)]];
            r.nextBytes(d);
            String hex = HexFormat.of().formatHex(d);
            if (r.nextInt(5) == 0) hex = hex.toUpperCase();
            long size = 1 + r.nextInt(1 << 20);
            String sizeText = r.nextInt(10) == 0 ? "000" + size : Long.toString(size);
            String name = switch (r.nextInt(9)) {
                case 0 -> "Name.With (Clam)";
                case 1 -> "Caf\u00e9.Latin1-" + i; // a byte over 127: the string parser encodes it as UTF-8
                case 2 -> "Already" + Names.UNOFFICIAL;
                case 3 -> "L".repeat(Names.MAX_NAME - 5 + r.nextInt(10)); // around the cut with the suffix
                case 4 -> "Tab\tInside-" + i;
                default -> "Synth.Hash-" + i;
            };
            String extra = switch (r.nextInt(12)) {
                case 0 -> ":73";
                case 1 -> ":0:255";
                case 2 -> ":";
                default -> "";
            };
            boolean any = r.nextInt(15) == 0;
            String text = hex + ":" + (any ? "*" : sizeText) + ":" + name + (any ? ":73" : extra);
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            db.write(bytes);
            db.write(r.nextInt(6) == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
            lines.add(new Line(d, any ? -1 : size, bytes));
        }
        Database fast = load(db.toByteArray(), false, "all"), slow = load(db.toByteArray(), true, "all");
        SignatureSet f = fast.signatures(), s = slow.signatures();
        assertEquals(s.count(), f.count());
        assertEquals(s.hashNames.size(), f.hashNames.size());
        for (int i = 0; i < s.hashNames.size(); i++) assertEquals(s.hashName(i), f.hashName(i), "name " + i);
        for (Line l : lines) {
            int type = l.digest().length == 16 ? 0 : l.digest().length == 20 ? 1 : 2;
            long probe = l.size() < 0 ? 12345 : l.size();
            int vf = f.hashes[type].find(l.digest(), probe), vs = s.hashes[type].find(l.digest(), probe);
            assertEquals(vs, vf, new String(l.text(), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void malformedLinesGiveTheSameErrors() throws Exception {
        String good = "d41d8cd98f00b204e9800998ecf8427e:10:Good";
        List<String> bad = List.of("d41d8cd98f00b204e9800998ecf8427g:10:BadHex", "d41d8cd98f00b204e9800998ecf8427:10:Odd",
                "d41d8cd98f00b204e9800998ecf8427e:0:Zero", "d41d8cd98f00b204e9800998ecf8427e:4294967295:Big",
                "d41d8cd98f00b204e9800998ecf8427e:12345678901:Eleven", "d41d8cd98f00b204e9800998ecf8427e:1x:Letters",
                "d41d8cd98f00b204e9800998ecf8427e::Empty", "d41d8cd98f00b204e9800998ecf8427e:10", "nohash",
                "d41d8cd98f00b204e9800998ecf8427e:*:Wild", "d41d8cd98f00b204e9800998ecf8427e:10:N:x", "",
                // round 7: the fast path looks for the first ':' only after 32, 40 or 64 digits
                "d41d8cd98f00b204e9800998ecf8427e0000:10:Len36", "d41d8cd98f00b204e9800998ecf8427e:d41d8cd:10:SizeNotDigits",
                "d41d8cd98f00b2:4e9800998ecf8427e00000000:10:EarlyColonThenOneAt40",
                "d41d8cd98f00b204e9800998ecf8427e00000000:d41d8cd98f00b204e9800:10:ColonAt40And62");
        for (int i = 0; i < bad.size(); i++) {
            byte[] text = (good + "\n" + bad.get(i) + "\n").getBytes(StandardCharsets.ISO_8859_1);
            String n = "bad" + i;
            DatabaseLoadException ef = assertThrows(DatabaseLoadException.class, () -> load(text, false, n), bad.get(i));
            DatabaseLoadException es = assertThrows(DatabaseLoadException.class, () -> load(text, true, n), bad.get(i));
            assertEquals(es.getMessage().replace("-slow", ""), ef.getMessage().replace("-fast", ""), bad.get(i));
        }
    }
}
