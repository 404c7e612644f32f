package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

/** X.509 distinguished names in OpenSSL's one-line form ("/C=US/O=Example/CN=name") and signature algorithm names. */
final class X509Names {
    private X509Names() {}

    private static final Map<String, String> SHORT = Map.ofEntries(
            Map.entry("2.5.4.3", "CN"), Map.entry("2.5.4.6", "C"), Map.entry("2.5.4.7", "L"), Map.entry("2.5.4.8", "ST"),
            Map.entry("2.5.4.10", "O"), Map.entry("2.5.4.11", "OU"), Map.entry("2.5.4.5", "serialNumber"),
            Map.entry("2.5.4.4", "SN"), Map.entry("2.5.4.42", "GN"), Map.entry("2.5.4.12", "title"),
            Map.entry("2.5.4.9", "street"), Map.entry("2.5.4.17", "postalCode"), Map.entry("2.5.4.15", "businessCategory"),
            Map.entry("2.5.4.97", "organizationIdentifier"), Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
            Map.entry("0.9.2342.19200300.100.1.25", "DC"), Map.entry("0.9.2342.19200300.100.1.1", "UID"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"), Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"));

    private static final Map<String, String> ALGORITHMS = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.2", "md2WithRSAEncryption"), Map.entry("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"), Map.entry("1.2.840.113549.1.1.10", "rsassaPss"),
            Map.entry("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"), Map.entry("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"), Map.entry("1.2.840.113549.1.1.14", "sha224WithRSAEncryption"),
            Map.entry("1.3.14.3.2.29", "sha1WithRSA"), Map.entry("1.2.840.10040.4.3", "dsaWithSHA1"),
            Map.entry("1.2.840.10045.4.1", "ecdsa-with-SHA1"), Map.entry("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
            Map.entry("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"), Map.entry("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
            Map.entry("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"));

    /** OpenSSL's long name of a signature algorithm, "undefined" for one it does not know. */
    static String algorithm(String oid) {
        return oid == null ? "undefined" : ALGORITHMS.getOrDefault(oid, "undefined");
    }

    private static final int BMP_STRING = 0x1E, UNIVERSAL_STRING = 0x1C;

    /**
     * "/TYPE=value" for every attribute of the Name (a SEQUENCE of SETs), cut to max characters, as OpenSSL 3's
     * X509_NAME_oneline writes it (a '/' inside a value escaped as "\/").
     */
    static String oneline(byte[] d, Der.Tlv name, int max) {
        StringBuilder sb = new StringBuilder();
        Der rdns = new Der(d, name.start(), name.end());
        for (Der.Tlv rdn; rdns.more() && sb.length() <= max && (rdn = rdns.next(Der.SET)) != null; ) {
            Der avas = rdns.inside(rdn);
            for (Der.Tlv ava; avas.more() && sb.length() <= max && (ava = avas.next(Der.SEQUENCE)) != null; ) {
                Der a = avas.inside(ava);
                String oid = a.oid(a.next(Der.OID));
                Der.Tlv value = a.next();
                if (oid == null || value == null) continue;
                sb.append('/').append(SHORT.getOrDefault(oid, oid)).append('=');
                value(sb, d, value, max);
            }
        }
        return sb.length() > max ? sb.substring(0, max) : sb.toString();
    }

    /**
     * The value's characters; wide strings whose high bytes are all zero are narrowed; others escaped as \xHH;
     * '/' written as "\/" (OpenSSL 3's X509_NAME_oneline, which yara 4.2.3 uses).
     */
    private static void value(StringBuilder sb, byte[] d, Der.Tlv v, int max) {
        int step = v.tag() == BMP_STRING ? 2 : v.tag() == UNIVERSAL_STRING ? 4 : 1;
        boolean narrow = step > 1 && v.length() % step == 0;
        for (int i = v.start(); narrow && i < v.end() && i - v.start() < 4 * max; i += step) {
            for (int k = 0; k < step - 1; k++) narrow &= d[i + k] == 0;
        }
        for (int i = v.start(); i < v.end() && sb.length() <= max; i++) {
            if (narrow && (i - v.start()) % step != step - 1) continue;
            int c = d[i] & 0xFF;
            if (c < 0x20 || c > 0x7E) sb.append(String.format("\\x%02X", c));
            else if (c == '/') sb.append("\\/"); // OpenSSL 3 escapes the separator inside values
            else sb.append((char) c);
        }
    }
}
