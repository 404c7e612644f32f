package dev.bulwark.engine.signatures.yara.modules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Authenticode signatures of a PE (pe.signatures).
 *
 * <p>The list of entries and their certificate fields are read as yara 4.2.3 reads them: each WIN_CERTIFICATE
 * (revision 2, type PKCS#7) of the security directory holds PKCS#7 SignedData; for every signer, the certificate
 * matching its issuer and serial gives one entry (thumbprint, issuer, subject, version, algorithm, serial,
 * validity, valid_on()), then nested signatures (the first signer's 1.3.6.1.4.1.311.2.4.1 attribute) are read the
 * same way.
 *
 * <p>The fields YARA 4.3-4.5 added (verified, digest_alg, digest, file_digest, number_of_certificates,
 * certificates, signer_info, number_of_countersignatures, countersignatures) are filled as authenticode-parser
 * fills them, with real verification ({@link Authenticode} says what {@code verified} means), on the entry of the
 * first signer of each SignedData of the first WIN_CERTIFICATE (top-level and nested): authenticode-parser reads
 * only that WIN_CERTIFICATE and only the first signer. Entries yara 4.2.3 makes for other signers or later
 * WIN_CERTIFICATEs keep {@code verified} = 0 and no new field. {@code pe.is_signed} (PeModule) is 1 when some
 * entry is verified.
 */
final class PeSignatures {
    private PeSignatures() {}

    private static final int MAX_SIGNATURES = 16; // yara's MAX_PE_CERTS
    private static final int MAX_NESTING = 8; // nested signatures inside nested signatures: real files have 1 level
    private static final int MAX_CERTS = 1024; // certificates looked at per SignedData; real ones carry fewer than 10
    private static final int MAX_SIGNERS = 64; // signer infos looked at per SignedData; real ones have 1
    private static final int WIN_CERT_HEADER = 8, WIN_CERT_REVISION_1 = 0x100, WIN_CERT_REVISION_2 = 0x200, WIN_CERT_TYPE_PKCS = 2;
    private static final String SIGNED_DATA = "1.2.840.113549.1.7.2", NESTED_SIGNATURE = "1.3.6.1.4.1.311.2.4.1";

    /**
     * The signature entries; empty when the security directory is empty or unreadable; null (undefined, as in
     * yara) when the optional header has no security directory entry (NumberOfRvaAndSizes below 4, which yara
     * compares with {@code <}, or the entry outside the file).
     */
    static List<Object> parse(PeFile pe) {
        List<Object> out = new ArrayList<>();
        ScanInput in = pe.in;
        long va = Bytes.u32(in, pe.dataDirectories + 8L * 4), size = Bytes.u32(in, pe.dataDirectories + 8L * 4 + 4);
        if (pe.numberOfRvaAndSizes < 4 || va < 0 || size < 0) return null;
        if (va <= 0 || size < 0 || va > in.len() || size > in.len() || va + size > in.len()) return out;
        long eod = va + size, p = va;
        PeImageHash image = new PeImageHash(pe, va);
        while (in.has(p, WIN_CERT_HEADER)) {
            long len = Bytes.u32(in, p);
            int rev = Bytes.u16(in, p + 4), type = Bytes.u16(in, p + 6);
            if (len <= WIN_CERT_HEADER || !in.has(p, len) || p + WIN_CERT_HEADER >= eod || p + len > eod) break;
            if (rev != WIN_CERT_REVISION_1 && rev != WIN_CERT_REVISION_2) break;
            long end = p + len;
            if (rev == WIN_CERT_REVISION_2 && type == WIN_CERT_TYPE_PKCS) {
                byte[] blob = Bytes.slice(in, p + WIN_CERT_HEADER, len - WIN_CERT_HEADER);
                Der der = new Der(blob, 0, blob.length);
                while (der.more() && out.size() < MAX_SIGNATURES) {
                    Der.Tlv ci = der.next(Der.SEQUENCE);
                    if (ci == null || !pkcs7(der, ci, out, 0, p == va ? image : null)) break;
                }
            }
            p = (end + 7) & ~7L;
        }
        return out;
    }

    /**
     * One ContentInfo holding SignedData: adds its signers' certificates, the new fields on its first signer's
     * entry when {@code image} is given; false when it is not readable PKCS#7.
     */
    private static boolean pkcs7(Der outer, Der.Tlv contentInfo, List<Object> out, int depth, PeImageHash image) {
        Der ci = outer.inside(contentInfo);
        if (!SIGNED_DATA.equals(ci.oid(ci.next(Der.OID)))) return false;
        Der.Tlv wrapped = ci.next(0xA0);
        if (wrapped == null) return false;
        Der w = ci.inside(wrapped);
        Der.Tlv sdTlv = w.next(Der.SEQUENCE);
        if (sdTlv == null) return false;
        Der sd = w.inside(sdTlv);
        if (sd.next(Der.INTEGER) == null || sd.next(Der.SET) == null || sd.next(Der.SEQUENCE) == null) return false;
        List<Der.Tlv> certs = new ArrayList<>();
        Der.Tlv certSet = sd.next(0xA0);
        if (certSet != null) {
            Der cs = sd.inside(certSet);
            for (Der.Tlv c; cs.more() && certs.size() < MAX_CERTS && (c = cs.next()) != null; ) if (c.tag() == Der.SEQUENCE) certs.add(c);
        }
        sd.next(0xA1); // CRLs, unused
        Der.Tlv signerSet = sd.next(Der.SET);
        if (signerSet == null) return false;
        Der ss = sd.inside(signerSet);
        List<Der.Tlv> signers = new ArrayList<>();
        for (Der.Tlv s; ss.more() && signers.size() < MAX_SIGNERS && (s = ss.next(Der.SEQUENCE)) != null; ) signers.add(s);
        byte[] d = sd.data();
        for (int k = 0; k < signers.size(); k++) {
            if (out.size() >= MAX_SIGNATURES) return true;
            Der si = ss.inside(signers.get(k));
            si.next(Der.INTEGER);
            Der.Tlv ias = si.next(Der.SEQUENCE);
            if (ias == null) continue;
            Der ia = si.inside(ias);
            Der.Tlv issuer = ia.next(Der.SEQUENCE), serial = ia.next(Der.INTEGER);
            if (issuer == null || serial == null) continue;
            for (Der.Tlv c : certs) {
                X509Cert cert = X509Cert.read(sd, c);
                if (cert != null && same(d, cert.issuer(), issuer) && same(d, cert.serial(), serial)) {
                    Map<String, Object> entry = entry(cert);
                    if (k == 0 && image != null) {
                        Cms.SignedData parsed = Cms.parse(outer, contentInfo);
                        if (parsed != null) entry.putAll(Authenticode.fields(parsed, image));
                    }
                    out.add(entry);
                    break;
                }
            }
        }
        if (!signers.isEmpty() && depth < MAX_NESTING) nested(ss, signers.get(0), out, depth, image);
        return true;
    }

    /** Nested signatures: ContentInfo values of the first signer's unauthenticated NESTED_SIGNATURE attribute. */
    private static void nested(Der ss, Der.Tlv signer, List<Object> out, int depth, PeImageHash image) {
        Der si = ss.inside(signer);
        Der.Tlv unauth = null;
        for (Der.Tlv t; si.more() && (t = si.next()) != null; ) if (t.tag() == 0xA1) unauth = t;
        if (unauth == null) return;
        Der attrs = si.inside(unauth);
        for (Der.Tlv a; attrs.more() && (a = attrs.next(Der.SEQUENCE)) != null; ) {
            Der attr = attrs.inside(a);
            if (!NESTED_SIGNATURE.equals(attr.oid(attr.next(Der.OID)))) continue;
            Der.Tlv values = attr.next(Der.SET);
            if (values == null) return;
            Der vs = attr.inside(values);
            for (Der.Tlv v; vs.more() && out.size() < MAX_SIGNATURES && (v = vs.next(Der.SEQUENCE)) != null; ) pkcs7(vs, v, out, depth + 1, image);
            return;
        }
    }

    private static boolean same(byte[] d, Der.Tlv a, Der.Tlv b) {
        return a.tag() == b.tag() && java.util.Arrays.equals(d, a.start(), a.end(), d, b.start(), b.end());
    }

    /** A signature entry with the 4.2.3 fields of its signer certificate, valid_on() and verified (0 until checked). */
    private static Map<String, Object> entry(X509Cert cert) {
        Map<String, Object> m = cert.fields(false);
        long nb = cert.notBefore() == null ? Long.MIN_VALUE : cert.notBefore(), na = cert.notAfter() == null ? Long.MIN_VALUE : cert.notAfter();
        m.put("valid_on", (YaraFunction) (x, a) -> a.length == 1 && a[0] instanceof Long t ? (nb <= t && t <= na ? 1L : 0L) : null);
        m.put("verified", 0L);
        return m;
    }
}
