package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members read from a decoding stream share the thread's buffer for their depth ({@code ViewScratch.takeMember}):
 * a zip (with a nested zip) whose deflated members shrink and grow, past the size a buffer is kept at, gives every
 * member the detections scanning its bytes alone gives: end-anchored and head-anchored body signatures and an MD5
 * of the whole member, which any byte of an earlier, longer member left in view would change.
 */
class MemberBufferReuseTest {
    private static final byte[] HEAD = {'R', 'e', 'U', 's', 'E', 'h', 'E', 'd'}, TAIL = {'t', 'A', 'i', 'L', 'r', 'E', 'u', 'S'};

    @Test
    void membersScanAsAlone(@TempDir Path tmp) throws Exception {
        Random r = new Random(3);
        int[] sizes = {200_000, 50_000, 300, 100_000, 10, 400_000, 1_500_000, 5_000, 2_000, 70_000};
        List<byte[]> members = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            byte[] m = new byte[sizes[i]];
            for (int k = 0; k < m.length; k++) m[k] = (byte) ('a' + r.nextInt(20)); // no marker by chance
            if (i % 2 == 0 && m.length >= 16) System.arraycopy(TAIL, 0, m, m.length - TAIL.length, TAIL.length);
            if (i % 3 == 0 && m.length >= 16) System.arraycopy(HEAD, 0, m, 0, HEAD.length);
            members.add(m);
        }
        byte[] hashed = members.get(3); // a shorter member after a longer one, a longer one after it
        StringBuilder hdb = new StringBuilder();
        hdb.append(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(hashed))).append(':')
                .append(hashed.length).append(":Reuse.Md5\n");
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(db.resolve("reuse.hdb"), hdb);
        Files.writeString(db.resolve("reuse.ndb"), "Reuse.Tail:0:EOF-8:" + HexFormat.of().formatHex(TAIL) + "\n"
                + "Reuse.Head:0:0:" + HexFormat.of().formatHex(HEAD) + "\n");
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        ScanOptions o = ScanOptions.defaults().withAllMatch(true);

        List<String> expected = new ArrayList<>();
        for (byte[] m : members) expected.addAll(names(engine.scan(m, o)));
        byte[] inner = zip(members.subList(0, 5));
        List<byte[]> outerMembers = new ArrayList<>(members);
        outerMembers.add(3, inner); // the nested zip's members are read at the next depth, between the outer ones
        for (byte[] m : members.subList(0, 5)) expected.addAll(names(engine.scan(m, o)));
        List<String> got = names(engine.scan(zip(outerMembers), o));
        expected.sort(null);
        got.sort(null);
        assertEquals(expected, got);
        for (String sig : new String[] {"Reuse.Md5", "Reuse.Tail", "Reuse.Head"}) {
            assertTrue(got.stream().anyMatch(n -> n.startsWith(sig)), sig + " in " + got);
        }
    }

    private static List<String> names(ScanResult r) {
        List<String> out = new ArrayList<>();
        for (Detection d : r.detections()) out.add(d.name());
        return out;
    }

    private static byte[] zip(List<byte[]> members) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            for (int i = 0; i < members.size(); i++) {
                z.putNextEntry(new ZipEntry("m" + i));
                z.write(members.get(i));
                z.closeEntry();
            }
        }
        return bo.toByteArray();
    }
}
