package dev.bulwark.engine.signatures.yara.modules;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * PKCS#7 / CMS SignedData (RFC 5652) as Authenticode uses it: the parts read from DER, and the check OpenSSL's
 * PKCS7_signatureVerify makes for one signer (the digest of the content against the messageDigest attribute, then
 * the signature over the DER of the signed attributes, re-tagged as a SET, with the signer certificate's RSA, EC
 * or DSA key). No certificate chain or trust check: that is what "verified" means for YARA's Authenticode fields.
 */
final class Cms {
    private Cms() {}

    static final String SIGNED_DATA = "1.2.840.113549.1.7.2", MESSAGE_DIGEST = "1.2.840.113549.1.9.4", SIGNING_TIME = "1.2.840.113549.1.9.5";
    private static final int MAX_CERTS = 1024; // certificates read per SignedData; real ones carry fewer than 10
    private static final int MAX_SIGNERS = 64; // signer infos read per SignedData; Authenticode has 1
    private static final int MAX_ATTRIBUTES = 256; // attributes looked at per set; real signer infos have under 10

    /** OpenSSL's long names of the digest algorithms and the JDK's names for them. */
    private static final Map<String, String[]> DIGESTS = Map.ofEntries(
            Map.entry("1.2.840.113549.2.5", new String[] {"md5", "MD5"}),
            Map.entry("1.3.14.3.2.26", new String[] {"sha1", "SHA-1"}),
            Map.entry("2.16.840.1.101.3.4.2.4", new String[] {"sha224", "SHA-224"}),
            Map.entry("2.16.840.1.101.3.4.2.1", new String[] {"sha256", "SHA-256"}),
            Map.entry("2.16.840.1.101.3.4.2.2", new String[] {"sha384", "SHA-384"}),
            Map.entry("2.16.840.1.101.3.4.2.3", new String[] {"sha512", "SHA-512"}));

    /** OpenSSL's long name of a digest algorithm OID ("sha256"), "undefined" for one it does not know. */
    static String digestName(String oid) {
        String[] n = oid == null ? null : DIGESTS.get(oid);
        return n != null ? n[0] : X509Names.algorithm(oid);
    }

    /** The JDK MessageDigest name of a digest algorithm OID, or null when it is not one we compute. */
    static String jdkDigest(String oid) {
        String[] n = oid == null ? null : DIGESTS.get(oid);
        return n == null ? null : n[1];
    }

    static byte[] digest(String jdkName, byte[] d, int from, int to) {
        try {
            MessageDigest md = MessageDigest.getInstance(jdkName);
            md.update(d, from, to - from);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("required JDK digest missing: " + jdkName, e);
        }
    }

    /** One SignerInfo: issuer and serial of the signer certificate, or its subject key identifier (CMS only). */
    record Signer(Der.Tlv issuer, Der.Tlv serial, Der.Tlv keyId, String digestOid, Der.Tlv signedAttrs, Der.Tlv signature, Der.Tlv unsignedAttrs) {}

    /** A SignedData: version, digest algorithms, the encapsulated content (type and element), certificates, signers. */
    record SignedData(byte[] d, long version, List<String> digestAlgs, String contentType, Der.Tlv content, List<X509Cert> certs,
            List<Signer> signers) {
        /** The certificate of the signer (by issuer and serial, or by subject key identifier), or null. */
        X509Cert certOf(Signer s) {
            for (X509Cert c : certs) if (s.issuer() != null ? c.is(d, s.issuer(), s.serial()) : c.hasKeyId(d, s.keyId())) return c;
            return null;
        }
    }

    /**
     * Reads a ContentInfo holding SignedData as OpenSSL's d2i_PKCS7 does, or null when it is not one or is
     * malformed: a certificate or SignerInfo that cannot be read makes it unreadable; so does anything PKCS#7 does
     * not have (other certificate choices, signers identified by subject key identifier).
     */
    static SignedData parse(Der outer, Der.Tlv contentInfo) {
        return parse(outer, contentInfo, false);
    }

    /**
     * With {@code cms}, as OpenSSL's d2i_CMS_ContentInfo: certificate choices other than X.509 certificates are
     * skipped and signers may be identified by subject key identifier.
     */
    static SignedData parse(Der outer, Der.Tlv contentInfo, boolean cms) {
        if (contentInfo == null || contentInfo.tag() != Der.SEQUENCE) return null;
        Der ci = outer.inside(contentInfo);
        if (!SIGNED_DATA.equals(ci.oid(ci.next(Der.OID)))) return null;
        Der.Tlv wrapped = ci.next(0xA0);
        if (wrapped == null) return null;
        Der w = ci.inside(wrapped);
        Der.Tlv sdTlv = w.next(Der.SEQUENCE);
        if (sdTlv == null) return null;
        Der sd = w.inside(sdTlv);
        Der.Tlv ver = sd.next(Der.INTEGER), algSet = sd.next(Der.SET), encap = sd.next(Der.SEQUENCE);
        if (ver == null || algSet == null || encap == null) return null;
        long version = ver.length() == 1 ? sd.data()[ver.start()] : -1;
        List<String> algs = new ArrayList<>();
        Der as = sd.inside(algSet);
        for (Der.Tlv a; as.more() && algs.size() < MAX_ATTRIBUTES && (a = as.next(Der.SEQUENCE)) != null; ) {
            Der ad = as.inside(a);
            algs.add(ad.oid(ad.next(Der.OID)));
        }
        Der e = sd.inside(encap);
        String contentType = e.oid(e.next(Der.OID));
        Der.Tlv content = null, explicit = e.next(0xA0);
        if (explicit != null) content = e.inside(explicit).next();
        List<X509Cert> certs = new ArrayList<>();
        Der.Tlv certSet = sd.next(0xA0);
        if (certSet != null) {
            Der cs = sd.inside(certSet);
            while (cs.more() && certs.size() < MAX_CERTS) {
                Der.Tlv c = cs.next();
                if (cms && c != null && (c.tag() == 0xA1 || c.tag() == 0xA2 || c.tag() == 0xA3)) continue; // attribute / other certificates
                X509Cert x = X509Cert.read(cs, c);
                if (x == null) return null; // OpenSSL cannot parse the PKCS#7 at all
                certs.add(x);
            }
        }
        sd.next(0xA1); // CRLs, unused
        Der.Tlv signerSet = sd.next(Der.SET);
        if (signerSet == null) return null;
        Der ss = sd.inside(signerSet);
        List<Signer> signers = new ArrayList<>();
        while (ss.more() && signers.size() < MAX_SIGNERS) {
            Der.Tlv s = ss.next(Der.SEQUENCE);
            Signer si = s == null ? null : signer(ss.inside(s));
            if (si != null && si.issuer() == null && !cms) return null;
            if (si == null) return null; // as above: a malformed SignerInfo makes the whole SignedData unreadable
            signers.add(si);
        }
        return new SignedData(sd.data(), version, algs, contentType, content, certs, signers);
    }

    /** Reads a SignerInfo's fields from a reader over its contents, or null when malformed. */
    static Signer signer(Der si) {
        if (si.next(Der.INTEGER) == null) return null;
        Der.Tlv issuer = null, serial = null, keyId = null;
        Der.Tlv ias = si.next(Der.SEQUENCE);
        if (ias != null) {
            Der ia = si.inside(ias);
            issuer = ia.next(Der.SEQUENCE);
            serial = ia.next(Der.INTEGER);
            if (issuer == null || serial == null) return null;
        } else if ((keyId = si.next(0x80)) == null) return null; // subjectKeyIdentifier (CMS version 3)
        Der.Tlv digestAlg = si.next(Der.SEQUENCE);
        if (digestAlg == null) return null;
        Der da = si.inside(digestAlg);
        String digestOid = da.oid(da.next(Der.OID));
        Der.Tlv signed = si.next(0xA0);
        if (si.next(Der.SEQUENCE) == null) return null;
        Der.Tlv sig = si.next(Der.OCTET_STRING);
        if (sig == null) return null;
        return new Signer(issuer, serial, keyId, digestOid, signed, sig, si.next(0xA1));
    }

    /** The values (elements of the SET) of the first attribute with this OID in an attribute set, or null. */
    static List<Der.Tlv> values(byte[] d, Der.Tlv attrs, String oid) {
        if (attrs == null) return null;
        Der a = new Der(d, attrs.start(), attrs.end());
        int n = 0;
        for (Der.Tlv t; a.more() && n++ < MAX_ATTRIBUTES && (t = a.next(Der.SEQUENCE)) != null; ) {
            Der attr = a.inside(t);
            if (!oid.equals(attr.oid(attr.next(Der.OID)))) continue;
            Der.Tlv set = attr.next(Der.SET);
            List<Der.Tlv> out = new ArrayList<>();
            if (set == null) return out;
            Der vs = attr.inside(set);
            for (Der.Tlv v; vs.more() && out.size() < MAX_ATTRIBUTES && (v = vs.next()) != null; ) out.add(v);
            return out;
        }
        return null;
    }

    /** The first value of the first attribute with this OID, or null. */
    static Der.Tlv value(byte[] d, Der.Tlv attrs, String oid) {
        List<Der.Tlv> v = values(d, attrs, oid);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /**
     * PKCS7_signatureVerify for one signer over content bytes [from, to): every digest algorithm of the SignedData
     * known and the signer's among them, the messageDigest attribute equal to the content digest, and the
     * signature over the signed attributes (or over the content when there are none) made by {@code cert}'s key.
     */
    static boolean verify(SignedData sd, Signer si, X509Cert cert, int from, int to) {
        String md = jdkDigest(si.digestOid());
        if (md == null || cert == null) return false;
        boolean listed = false;
        for (String a : sd.digestAlgs()) {
            if (jdkDigest(a) == null) return false; // OpenSSL cannot set up the digests of the SignedData
            listed |= a.equals(si.digestOid());
        }
        if (!listed) return false;
        byte[] d = sd.d();
        if (si.signedAttrs() == null) return signature(cert.publicKey(), md, Arrays.copyOfRange(d, from, to), d, si.signature());
        Der.Tlv mdAttr = value(d, si.signedAttrs(), MESSAGE_DIGEST);
        if (mdAttr == null || mdAttr.tag() != Der.OCTET_STRING) return false;
        byte[] h = digest(md, d, from, to);
        if (!Arrays.equals(h, 0, h.length, d, mdAttr.start(), mdAttr.end())) return false;
        byte[] attrs = Arrays.copyOfRange(d, si.signedAttrs().headerStart(), si.signedAttrs().end());
        attrs[0] = Der.SET;
        return signature(cert.publicKey(), md, attrs, d, si.signature());
    }

    /**
     * OpenSSL's CMS_SignerInfo_verify_content, the check authenticode-parser makes of a timestamp token OpenSSL
     * reads only as CMS: the signer's messageDigest attribute equals the digest of the content [from, to). The
     * signature itself is not checked (and without signed attributes the check fails: no key is set).
     */
    static boolean verifyContent(SignedData sd, Signer si, int from, int to) {
        String md = jdkDigest(si.digestOid());
        if (md == null || si.signedAttrs() == null) return false;
        for (String a : sd.digestAlgs()) if (jdkDigest(a) == null) return false;
        byte[] d = sd.d();
        Der.Tlv mdAttr = value(d, si.signedAttrs(), MESSAGE_DIGEST);
        if (mdAttr == null || mdAttr.tag() != Der.OCTET_STRING) return false;
        byte[] h = digest(md, d, from, to);
        return Arrays.equals(h, 0, h.length, d, mdAttr.start(), mdAttr.end());
    }

    /** A PKCS#1 v1.5 RSA, ECDSA or DSA signature check of {@code data} with digest {@code md}. */
    static boolean signature(PublicKey key, String md, byte[] data, byte[] d, Der.Tlv sig) {
        if (key == null) return false;
        String type = key.getAlgorithm();
        String alg = md.replace("-", "") + "with" + ("EC".equals(type) ? "ECDSA" : "DSA".equals(type) ? "DSA" : "RSA");
        try {
            Signature s = Signature.getInstance(alg);
            s.initVerify(key);
            s.update(data);
            return s.verify(d, sig.start(), sig.length());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // unknown combination, malformed signature or key
        }
    }
}
