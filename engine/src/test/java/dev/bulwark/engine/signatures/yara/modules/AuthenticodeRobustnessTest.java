package dev.bulwark.engine.signatures.yara.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile signatures: the seed signatures (see {@link AuthenticodeFuzzTest}) cut at every length, every DER length
 * field of them made to lie, and every byte of them changed; the signed files cut at every length. The pe module
 * must never throw, and no damaged signature may verify.
 */
class AuthenticodeRobustnessTest {
    private static byte[] seed(String method, String name) throws IOException {
        try (InputStream in = AuthenticodeRobustnessTest.class.getResourceAsStream("AuthenticodeFuzzTestInputs/" + method + "/" + name)) {
            return in.readAllBytes();
        }
    }

    /** The positions of every DER header in {@code d} (constructed elements walked into), as {start, lengthBytes}. */
    private static List<int[]> headers(byte[] d, int from, int to, int depth, List<int[]> out) {
        int p = from;
        while (p + 2 <= to && depth < 64) {
            int tag = d[p] & 0xFF, len = d[p + 1] & 0xFF, h = 2;
            if (len >= 0x80) {
                int n = len & 0x7F;
                if (n == 0 || n > 4 || p + 2 + n > to) return out;
                len = 0;
                for (int i = 0; i < n; i++) len = len << 8 | (d[p + 2 + i] & 0xFF);
                h = 2 + n;
            }
            if (len < 0 || p + h + len > to) return out;
            out.add(new int[] {p, h - 1});
            if ((tag & 0x20) != 0) headers(d, p + h, p + h + len, depth + 1, out);
            else if (tag == 0x04 && len > 2 && (d[p + h] & 0xFF) == 0x30) headers(d, p + h, p + h + len, depth + 1, out); // TSTInfo
            p += h + len;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-ts", "nested", "ecdsa", "pkcs9"})
    void theSeedsVerify(String name) throws IOException {
        Map<String, Object> pe = SignedPe.load(seed("signedFile", name));
        assertEquals(1L, pe.get("is_signed"), name);
        assertEquals(1L, SignedPe.verified(pe, 0), name);
        // the same signature on the same image built here: CheckSum and the security directory are not hashed
        byte[] same = SignedPe.pe(seed("signedData", name));
        same[0x98] ^= 0x55;
        assertEquals(1L, SignedPe.verified(SignedPe.load(same), 0), name);
        byte[] other = same.clone();
        other[SignedPe.HEADERS + 1] ^= 0x55; // one byte of the section
        assertEquals(0L, SignedPe.verified(SignedPe.load(other), 0), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-ts", "nested", "ecdsa", "pkcs9"})
    void truncatedAtEveryLength(String name) throws IOException {
        byte[] blob = seed("signedData", name), file = seed("signedFile", name);
        for (int n = 0; n < blob.length; n++) {
            Map<String, Object> pe = SignedPe.load(SignedPe.pe(Arrays.copyOf(blob, n)));
            assertNotEquals(1L, pe.get("is_signed"), name + " cut at " + n);
        }
        for (int n = 0; n < file.length; n++) {
            Map<String, Object> pe = SignedPe.load(Arrays.copyOf(file, n));
            assertNotEquals(1L, pe.get("is_signed"), name + " file cut at " + n);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-ts", "nested", "ecdsa", "pkcs9"})
    void lyingLengths(String name) throws IOException {
        byte[] file = seed("signedFile", name);
        int base = SignedPe.TABLE + 8;
        List<int[]> hs = headers(file, base, file.length, 0, new ArrayList<>());
        assertTrue(hs.size() > 50, "walked the DER of " + name + ": " + hs.size());
        int verified = 0;
        for (int[] h : hs) {
            int lenAt = h[0] + 1;
            byte[][] variants = lies(file, lenAt, h[1]);
            for (byte[] v : variants) {
                Map<String, Object> pe = SignedPe.load(v);
                if (Long.valueOf(1).equals(pe.get("is_signed"))) verified++;
            }
        }
        // a lie inside an unsigned part (a countersignature, a nested signature) may leave the signature intact;
        // a lie in the signed content, the signer's attributes or the signature value may not
        assertTrue(verified < hs.size() * 4, name + ": " + verified + " of " + hs.size() * 4 + " still verified");
    }

    /** Length field at {@code at} ({@code n} bytes incl. the 0x8N prefix byte) set to +1, -1, 0, and a 4-byte huge form. */
    private static byte[][] lies(byte[] f, int at, int n) {
        long len = 0;
        if (n == 1) len = f[at] & 0xFF;
        else for (int i = 1; i < n; i++) len = len << 8 | (f[at + i] & 0xFF);
        List<byte[]> out = new ArrayList<>();
        for (long l : new long[] {len + 1, len - 1, 0}) {
            if (l < 0) continue;
            byte[] c = f.clone();
            if (n == 1 && l < 0x80) c[at] = (byte) l;
            else if (n > 1) for (int i = n - 1; i >= 1; i--, l >>= 8) c[at + i] = (byte) l;
            else continue;
            out.add(c);
        }
        if (n >= 2) { // 0x8N with all length bytes 0xFF: far past the end
            byte[] c = f.clone();
            for (int i = 1; i < n; i++) c[at + i] = (byte) 0xFF;
            out.add(c);
        }
        return out.toArray(byte[][]::new);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-ts", "nested", "ecdsa", "pkcs9"})
    void everyChangedByteOfTheSignedPartsBreaksTheSignature(String name) throws IOException {
        byte[] file = seed("signedFile", name);
        for (int i = 0; name.equals("rsa-ts") && i < SignedPe.TABLE; i++) { // the same image for all seeds: one is enough
            if (i >= 0x98 && i < 0x9C || i >= 0xD8 && i < 0xE0) continue; // CheckSum and the security directory entry: not hashed
            byte[] c = file.clone();
            c[i] ^= 0x01;
            assertNotEquals(1L, SignedPe.verified(SignedPe.load(c), 0), name + ": image byte " + i);
        }
        // the signed content (SpcIndirectDataContent), the signer's signed attributes and its signature value;
        // certificate bytes other than issuer, serial and key may change: no chain is verified (as authenticode-parser)
        int base = SignedPe.TABLE + 8;
        byte[] blob = Arrays.copyOfRange(file, base, file.length);
        Der der = new Der(blob, 0, blob.length);
        Cms.SignedData sd = Cms.parse(der, der.next(Der.SEQUENCE));
        Cms.Signer si = sd.signers().get(0);
        int flipped = 0;
        for (Der.Tlv t : List.of(sd.content(), si.signedAttrs(), si.signature())) {
            for (int i = t.start(); i < t.end(); i++) {
                byte[] c = file.clone();
                c[base + i] ^= 0x01;
                flipped++;
                assertNotEquals(1L, SignedPe.verified(SignedPe.load(c), 0), name + ": signature byte " + i);
            }
        }
        assertTrue(flipped > 200, name + ": " + flipped);
    }
}
