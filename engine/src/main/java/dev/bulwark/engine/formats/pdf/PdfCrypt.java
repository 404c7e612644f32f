package dev.bulwark.engine.formats.pdf;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The PDF standard security handler with the empty user password (what viewers open without asking):
 * RC4 40-128 (R2-R4), AES-128 (AESV2) and AES-256 (R5, R6). {@link #decryptable()} is false when
 * the empty password does not open the document (a real password is needed).
 */
final class PdfCrypt {
    private static final byte[] PAD = {
        0x28, (byte) 0xBF, 0x4E, 0x5E, 0x4E, 0x75, (byte) 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, (byte) 0xFF, (byte) 0xFA, 0x01, 0x08,
        0x2E, 0x2E, 0x00, (byte) 0xB6, (byte) 0xD0, 0x68, 0x3E, (byte) 0x80, 0x2F, 0x0C, (byte) 0xA9, (byte) 0xFE, 0x64, 0x53, 0x69, 0x7A};

    enum Method { NONE, RC4, AES128, AES256 }

    private final byte[] key;
    private final Method streams, strings;

    private PdfCrypt(byte[] key, Method streams, Method strings) {
        this.key = key;
        this.streams = streams;
        this.strings = strings;
    }

    boolean decryptable() { return key != null; }

    /** Builds the handler from the /Encrypt dictionary and the first /ID string (may be empty). */
    static PdfCrypt open(Map<String, Object> enc, byte[] id0) {
        if (!(enc.get("Filter") instanceof PdfParser.Name f) || !f.value().equals("Standard")) return new PdfCrypt(null, Method.NONE, Method.NONE);
        int v = num(enc.get("V"), 0), r = num(enc.get("R"), 2);
        int lengthBits = num(enc.get("Length"), 40);
        byte[] o = str(enc.get("O")), u = str(enc.get("U"));
        int p = num(enc.get("P"), 0);
        boolean encryptMeta = !(Boolean.FALSE.equals(enc.get("EncryptMetadata")));
        Method sm = Method.RC4, tm = Method.RC4;
        if (v == 4 || v == 5) {
            sm = cryptFilter(enc, "StmF");
            tm = cryptFilter(enc, "StrF");
        }
        try {
            byte[] key = r >= 5 ? keyV5(enc, r, u) : keyLegacy(r, v == 1 ? 40 : lengthBits, o, u, p, id0, encryptMeta);
            return new PdfCrypt(key, sm, tm);
        } catch (GeneralSecurityException | RuntimeException e) {
            return new PdfCrypt(null, sm, tm);
        }
    }

    private static Method cryptFilter(Map<String, Object> enc, String which) {
        String name = enc.get(which) instanceof PdfParser.Name n ? n.value() : "Identity";
        if (name.equals("Identity")) return Method.NONE;
        if (enc.get("CF") instanceof Map<?, ?> cf && cf.get(name) instanceof Map<?, ?> f
                && f.get("CFM") instanceof PdfParser.Name cfm) {
            return switch (cfm.value()) {
                case "AESV2" -> Method.AES128;
                case "AESV3" -> Method.AES256;
                case "None" -> Method.NONE;
                default -> Method.RC4;
            };
        }
        return Method.RC4;
    }

    private static int num(Object o, int dflt) {
        return o instanceof Long l ? (int) (long) l : o instanceof Double d ? d.intValue() : dflt;
    }

    private static byte[] str(Object o) {
        return o instanceof PdfParser.PdfString s ? s.bytes() : new byte[0];
    }

    private static byte[] keyLegacy(int r, int bits, byte[] o, byte[] u, int p, byte[] id0, boolean meta) throws GeneralSecurityException {
        int n = r == 2 ? 5 : Math.max(5, Math.min(16, bits / 8));
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(PAD);
        md5.update(o, 0, Math.min(32, o.length));
        md5.update(new byte[] {(byte) p, (byte) (p >> 8), (byte) (p >> 16), (byte) (p >> 24)});
        md5.update(id0);
        if (r >= 4 && !meta) md5.update(new byte[] {-1, -1, -1, -1});
        byte[] key = md5.digest();
        if (r >= 3) for (int i = 0; i < 50; i++) key = md5.digest(Arrays.copyOf(key, n));
        key = Arrays.copyOf(key, n);
        boolean ok;
        if (r == 2) {
            ok = Arrays.equals(rc4(key, PAD), Arrays.copyOf(u, 32));
        } else {
            md5.update(PAD);
            md5.update(id0);
            byte[] x = rc4(key, md5.digest());
            for (int i = 1; i <= 19; i++) {
                byte[] k = key.clone();
                for (int j = 0; j < k.length; j++) k[j] ^= (byte) i;
                x = rc4(k, x);
            }
            ok = u.length >= 16 && Arrays.equals(x, Arrays.copyOf(u, 16));
        }
        return ok ? key : null;
    }

    private static byte[] keyV5(Map<String, Object> enc, int r, byte[] u) throws GeneralSecurityException {
        byte[] ue = str(enc.get("UE"));
        if (u.length < 48 || ue.length < 32) return null;
        byte[] validation = hash(r, Arrays.copyOfRange(u, 32, 40));
        if (!Arrays.equals(validation, Arrays.copyOf(u, 32))) return null;
        byte[] k = hash(r, Arrays.copyOfRange(u, 40, 48));
        Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"), new IvParameterSpec(new byte[16]));
        return c.doFinal(ue, 0, 32);
    }

    /** The R5 (one SHA-256) or R6 (ISO 32000-2 algorithm 2.B) hash of the empty password with a salt. */
    private static byte[] hash(int r, byte[] salt) throws GeneralSecurityException {
        byte[] k = MessageDigest.getInstance("SHA-256").digest(salt);
        if (r == 5) return k;
        Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
        for (int round = 0; ; round++) {
            byte[] k1 = new byte[64 * k.length];
            for (int i = 0; i < 64; i++) System.arraycopy(k, 0, k1, i * k.length, k.length);
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, 0, 16, "AES"), new IvParameterSpec(k, 16, 16));
            byte[] e = aes.doFinal(k1);
            int mod = 0;
            for (int i = 0; i < 16; i++) mod += e[i] & 0xff;
            String alg = switch (mod % 3) { case 0 -> "SHA-256"; case 1 -> "SHA-384"; default -> "SHA-512"; };
            k = MessageDigest.getInstance(alg).digest(e);
            if (round >= 63 && (e[e.length - 1] & 0xff) <= round - 31) break;
            if (round > 1024) break; // cannot happen with the rule above; a hard stop all the same
        }
        return Arrays.copyOf(k, 32);
    }

    byte[] decryptStream(byte[] data, int num, int gen) { return decrypt(data, num, gen, streams); }

    byte[] decryptString(byte[] data, int num, int gen) { return decrypt(data, num, gen, strings); }

    private byte[] decrypt(byte[] data, int num, int gen, Method m) {
        if (key == null || m == Method.NONE) return data;
        try {
            if (m == Method.AES256) return aes(key, data);
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(key);
            md5.update(new byte[] {(byte) num, (byte) (num >> 8), (byte) (num >> 16), (byte) gen, (byte) (gen >> 8)});
            if (m == Method.AES128) md5.update("sAlT".getBytes(StandardCharsets.US_ASCII));
            byte[] k = Arrays.copyOf(md5.digest(), Math.min(16, key.length + 5));
            return m == Method.RC4 ? rc4(k, data) : aes(k, data);
        } catch (GeneralSecurityException e) {
            return data;
        }
    }

    private static byte[] aes(byte[] key, byte[] data) throws GeneralSecurityException {
        if (data.length < 32) return new byte[0];
        int n = (data.length - 16) / 16 * 16;
        Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(data, 0, 16));
        byte[] out = c.doFinal(data, 16, n);
        int pad = out.length > 0 ? out[out.length - 1] & 0xff : 0;
        if (pad >= 1 && pad <= 16 && pad <= out.length) return Arrays.copyOf(out, out.length - pad);
        return out;
    }

    static byte[] rc4(byte[] key, byte[] data) {
        int[] s = new int[256];
        for (int i = 0; i < 256; i++) s[i] = i;
        for (int i = 0, j = 0; i < 256; i++) {
            j = (j + s[i] + (key[i % key.length] & 0xff)) & 0xff;
            int t = s[i]; s[i] = s[j]; s[j] = t;
        }
        byte[] out = new byte[data.length];
        for (int k = 0, i = 0, j = 0; k < data.length; k++) {
            i = (i + 1) & 0xff;
            j = (j + s[i]) & 0xff;
            int t = s[i]; s[i] = s[j]; s[j] = t;
            out[k] = (byte) (data[k] ^ s[(s[i] + s[j]) & 0xff]);
        }
        return out;
    }
}
