package dev.bulwark.engine.signatures.clamav;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads ClamAV's CVD/CLD/CUD containers (clamav-notes §1.15): a 512-byte text header and a (gzipped)
 * tar body. For a .cvd, as clamscan's cli_cvdverify, the body MD5 is checked against the header and the
 * header's digital signature against ClamAV's public key ({@link #versig}); a .cld/.cud is not signed.
 * The .info member's own DSIG (SHA-256, ClamAV's second key) is not verified here.
 */
final class CvdReader {
    static final int HEADER = 512;
    /** Bounds what a hostile container can make us inflate. */
    private static final long MAX_BODY = 1L << 31;
    private static final int MAX_MEMBERS = 1000;

    /** ClamAV's key for the .cvd header signature (libclamav dsig.c, CLI_NSTR and CLI_ESTR). */
    static final BigInteger CLAMAV_N = new BigInteger("118640995551645342603070001658453189751527774412027743746599405743243142"
            + "607464144767361060640655844749760788890022283424922762488917565551002467771109669598189410434699034532232228621"
            + "591089508178591428456220796841621637175567590476666928698770143328137383952820383197532047771780196576957695822"
            + "641224262693037");
    static final BigInteger CLAMAV_E = new BigInteger("100001027");
    /** The key .cvd headers are verified with: ClamAV's (tests that build signed containers put their own). */
    static volatile BigInteger[] headerKey = {CLAMAV_N, CLAMAV_E};
    /** cli_ndecode's alphabet: a signature is base 64 in these digits, least significant first. */
    static final String NCODEC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
    /** cli_versig refuses longer signatures. */
    private static final int MAX_DSIG = 350;

    record Member(String name, byte[] data) {}

    record Container(long version, int signatures, int flevel, Instant buildTime, List<Member> members) {}

    private CvdReader() {}

    static long versionOf(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] h = in.readNBytes(HEADER);
            String[] f = new String(h, StandardCharsets.ISO_8859_1).trim().split(":");
            return f.length > 2 ? Long.parseLong(f[2].trim()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static Container read(String source, byte[] data, boolean checkMd5) throws IOException {
        if (data.length < HEADER) throw new IOException("truncated CVD header");
        String header = new String(data, 0, HEADER, StandardCharsets.ISO_8859_1).trim();
        String[] f = header.split(":", -1);
        if (f.length < 8 || !f[0].equals("ClamAV-VDB")) throw new IOException("not a ClamAV database container (bad header)");
        long version;
        int sigs, flevel;
        try {
            version = Long.parseLong(f[2].trim());
            sigs = Integer.parseInt(f[3].trim());
            flevel = Integer.parseInt(f[4].trim());
        } catch (NumberFormatException e) {
            throw new IOException("corrupted CVD header");
        }
        Instant built = null;
        if (f.length > 8) {
            try {
                built = Instant.ofEpochSecond(Long.parseLong(f[8].trim()));
            } catch (NumberFormatException ignored) {
                // very old containers have no build seconds
            }
        }
        if (checkMd5) {
            try {
                MessageDigest md = MessageDigest.getInstance("MD5");
                md.update(data, HEADER, data.length - HEADER);
                String got = HexFormat.of().formatHex(md.digest());
                if (!got.equalsIgnoreCase(f[5].trim())) throw new IOException("MD5 mismatch: the container is corrupted");
                BigInteger[] key = headerKey;
                if (!versig(got, f[6].trim(), key[0], key[1])) {
                    throw new IOException("Digital signature verification error: the container is not signed by ClamAV (clamscan: Can't verify database integrity)");
                }
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        InputStream body = new ByteArrayInputStream(data, HEADER, data.length - HEADER);
        if (data.length > HEADER + 2 && (data[HEADER] & 0xFF) == 0x1F && (data[HEADER + 1] & 0xFF) == 0x8B) {
            body = new GZIPInputStream(body, 65536);
        }
        List<Member> members = new ArrayList<>();
        long total = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(body)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile()) throw new IOException("unexpected non-file entry " + e.getName());
                if (e.getName().contains("/")) throw new IOException("member name with a path: " + e.getName());
                if (members.size() >= MAX_MEMBERS) throw new IOException("too many members");
                total += e.getSize();
                if (total > MAX_BODY) throw new IOException("container body too large");
                members.add(new Member(e.getName(), tar.readAllBytes()));
            }
        }
        verifyInfo(members);
        return new Container(version, sigs, flevel, built, members);
    }

    /**
     * libclamav's cli_versig: the signature, read as a number in {@link #NCODEC} digits (least significant
     * first), raised to {@code e} modulo {@code n}, must be the MD5 itself (16 bytes, no padding scheme).
     */
    static boolean versig(String md5Hex, String dsig, BigInteger n, BigInteger e) {
        if (md5Hex.length() != 32 || dsig.length() > MAX_DSIG) return false;
        BigInteger c = BigInteger.ZERO;
        for (int i = dsig.length() - 1; i >= 0; i--) {
            int d = NCODEC.indexOf(dsig.charAt(i));
            if (d < 0) return false;
            c = c.shiftLeft(6).or(BigInteger.valueOf(d));
        }
        BigInteger p = c.modPow(e, n);
        if (p.bitLength() > 128) return false; // "cli_decodesig: Resulting signature too large"
        byte[] plain = new byte[16];
        byte[] b = p.toByteArray(); // big-endian, maybe with a leading sign byte
        int len = Math.min(b.length, 16);
        System.arraycopy(b, b.length - len, plain, 16 - len, len);
        return HexFormat.of().formatHex(plain).equalsIgnoreCase(md5Hex);
    }

    /**
     * Checks every member against the size and SHA-256 that the container's .info member lists
     * (the .info's own DSIG is verified by the updater against Talos' key).
     */
    private static void verifyInfo(List<Member> members) throws IOException {
        Member info = null;
        for (Member m : members) if (m.name().endsWith(".info")) info = m;
        if (info == null) return;
        java.util.Map<String, String[]> listed = new java.util.HashMap<>();
        String[] lines = new String(info.data(), StandardCharsets.ISO_8859_1).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("DSIG:")) continue;
            String[] f = l.split(":");
            if (f.length != 3) throw new IOException(info.name() + ": malformed line " + (i + 1));
            listed.put(f[0], f);
        }
        for (Member m : members) {
            if (m == info || m.name().equals("COPYING")) continue;
            String[] f = listed.get(m.name());
            if (f == null) throw new IOException(m.name() + " is not listed in " + info.name());
            if (!f[1].equals(Integer.toString(m.data().length))) throw new IOException(m.name() + ": size differs from " + info.name());
            try {
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(m.data()));
                if (!sha.equalsIgnoreCase(f[2])) throw new IOException(m.name() + ": SHA-256 differs from " + info.name());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
