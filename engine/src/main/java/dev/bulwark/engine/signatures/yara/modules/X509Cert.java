package dev.bulwark.engine.signatures.yara.modules;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The parts of an X.509 certificate that YARA's pe module reports (thumbprint, issuer, subject, version, signature
 * algorithm, serial, validity), read from DER without building a full certificate object, plus the subject public
 * key for signature checks. Names and serials are compared as their DER bytes.
 */
record X509Cert(byte[] d, Der.Tlv whole, long version, Der.Tlv serial, Der.Tlv issuer, Der.Tlv subject, Long notBefore,
        Long notAfter, String sigOid, Der.Tlv spki, Der.Tlv keyId) {
    private static final int MAX_NAME = 255; // YARA formats names into a 256-byte buffer
    private static final int MAX_SERIAL = 20; // X.509 caps serial numbers at 20 octets; YARA leaves longer ones out
    private static final String RSA_KEY = "1.2.840.113549.1.1.1", EC_KEY = "1.2.840.10045.2.1", DSA_KEY = "1.2.840.10040.4.1";
    private static final String SUBJECT_KEY_ID = "2.5.29.14";
    private static final int MAX_EXTENSIONS = 64; // extensions looked at for the subject key identifier; real certificates have about 10

    /** Reads the certificate {@code cert} (a SEQUENCE inside {@code parent}), or null when it is not one. */
    static X509Cert read(Der parent, Der.Tlv cert) {
        if (cert == null || cert.tag() != Der.SEQUENCE) return null;
        Der c = parent.inside(cert);
        Der.Tlv tbsTlv = c.next(Der.SEQUENCE);
        if (tbsTlv == null) return null;
        Der.Tlv sigAlg = c.next(Der.SEQUENCE);
        Der tbs = c.inside(tbsTlv);
        long version = 1;
        Der.Tlv v = tbs.next(0xA0);
        if (v != null) {
            Der vd = tbs.inside(v);
            Der.Tlv vi = vd.next(Der.INTEGER);
            if (vi != null && vi.length() == 1) version = (vd.data()[vi.start()] & 0xFF) + 1;
        }
        Der.Tlv serial = tbs.next(Der.INTEGER);
        if (serial == null || tbs.next(Der.SEQUENCE) == null) return null;
        Der.Tlv issuer = tbs.next(Der.SEQUENCE), validity = tbs.next(Der.SEQUENCE), subject = tbs.next(Der.SEQUENCE);
        if (issuer == null || validity == null || subject == null) return null;
        Der.Tlv spki = tbs.next(Der.SEQUENCE);
        tbs.next(0x81); // issuerUniqueID
        tbs.next(0x82); // subjectUniqueID
        Der.Tlv keyId = keyId(tbs, tbs.next(0xA3));
        Der val = tbs.inside(validity);
        Long nb = val.time(val.next()), na = val.time(val.next());
        String oid = null;
        if (sigAlg != null) {
            Der sa = c.inside(sigAlg);
            oid = sa.oid(sa.next(Der.OID));
        }
        return new X509Cert(parent.data(), cert, version, serial, issuer, subject, nb, na, oid, spki, keyId);
    }

    /** The key identifier of the subjectKeyIdentifier extension in the [3] extensions, or null. */
    private static Der.Tlv keyId(Der tbs, Der.Tlv ext) {
        if (ext == null) return null;
        Der e = tbs.inside(ext);
        Der.Tlv seq = e.next(Der.SEQUENCE);
        if (seq == null) return null;
        Der list = e.inside(seq);
        for (int n = 0; list.more() && n < MAX_EXTENSIONS; n++) {
            Der.Tlv x = list.next(Der.SEQUENCE);
            if (x == null) return null;
            Der xd = list.inside(x);
            if (!SUBJECT_KEY_ID.equals(xd.oid(xd.next(Der.OID)))) continue;
            xd.next(0x01); // critical
            Der.Tlv value = xd.next(Der.OCTET_STRING);
            return value == null ? null : xd.inside(value).next(Der.OCTET_STRING);
        }
        return null;
    }

    /** Whether this certificate's subject key identifier is {@code id} (bytes of another DER buffer). */
    boolean hasKeyId(byte[] od, Der.Tlv id) {
        return keyId != null && Arrays.equals(d, keyId.start(), keyId.end(), od, id.start(), id.end());
    }

    boolean issuedBy(X509Cert other) {
        return same(issuer, other.subject);
    }

    boolean selfIssued() {
        return same(issuer, subject);
    }

    /** Whether this is the certificate with the given issuer name and serial number (from another DER buffer). */
    boolean is(byte[] od, Der.Tlv otherIssuer, Der.Tlv otherSerial) {
        return Arrays.equals(d, issuer.start(), issuer.end(), od, otherIssuer.start(), otherIssuer.end())
                && Arrays.equals(d, serial.start(), serial.end(), od, otherSerial.start(), otherSerial.end());
    }

    private boolean same(Der.Tlv a, Der.Tlv b) {
        return Arrays.equals(d, a.start(), a.end(), d, b.start(), b.end());
    }

    /** The subject public key (RSA, EC or DSA), or null when it is absent, of another type or malformed. */
    PublicKey publicKey() {
        if (spki == null) return null;
        Der s = new Der(d, spki.start(), spki.end());
        Der.Tlv alg = s.next(Der.SEQUENCE);
        if (alg == null) return null;
        Der a = s.inside(alg);
        String oid = a.oid(a.next(Der.OID));
        String type = RSA_KEY.equals(oid) ? "RSA" : EC_KEY.equals(oid) ? "EC" : DSA_KEY.equals(oid) ? "DSA" : null;
        if (type == null) return null;
        try {
            return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(Arrays.copyOfRange(d, spki.headerStart(), spki.end())));
        } catch (GeneralSecurityException | RuntimeException e) {
            return null; // malformed or unsupported key (the JDK refuses RSA moduli above 16384 bits)
        }
    }

    /**
     * thumbprint, issuer, subject, version, algorithm, algorithm_oid, serial, not_before, not_after. Names are
     * OpenSSL 3's one-line form, with a '/' inside a value preceded by a backslash as yara 4.2.3 prints them, or, with
     * {@code unescaped} (authenticode-parser, YARA 4.3+), that escape removed after the cut to 255 characters.
     */
    Map<String, Object> fields(boolean unescaped) {
        Map<String, Object> m = new HashMap<>();
        m.put("thumbprint", Args.str(HexFormat.of().formatHex(sha1(d, whole.headerStart(), whole.end()))));
        m.put("issuer", Args.str(name(issuer, unescaped)));
        m.put("subject", Args.str(name(subject, unescaped)));
        m.put("version", version);
        m.put("algorithm", Args.str(X509Names.algorithm(sigOid)));
        m.put("algorithm_oid", Args.str(sigOid == null || X509Names.algorithm(sigOid).equals("undefined") ? "0" : sigOid));
        int n = serial.length();
        if (n >= 1 && n <= MAX_SERIAL) {
            StringBuilder sb = new StringBuilder();
            for (int i = serial.start(); i < serial.end(); i++) {
                if (sb.length() > 0) sb.append(':');
                sb.append(Character.forDigit((d[i] >> 4) & 0xF, 16)).append(Character.forDigit(d[i] & 0xF, 16));
            }
            m.put("serial", Args.str(sb.toString()));
        }
        if (notBefore != null) m.put("not_before", notBefore);
        if (notAfter != null) m.put("not_after", notAfter);
        return m;
    }

    private String name(Der.Tlv n, boolean unescaped) {
        String s = X509Names.oneline(d, n, MAX_NAME);
        return unescaped ? s.replace("\\/", "/") : s;
    }

    static byte[] sha1(byte[] d, int from, int to) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(d, from, to - from);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }
}
