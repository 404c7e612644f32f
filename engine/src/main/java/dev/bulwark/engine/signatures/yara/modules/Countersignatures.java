package dev.bulwark.engine.signatures.yara.modules;

import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;

/**
 * The countersignatures (timestamps) of an Authenticode signer, in the unsigned attributes of its SignerInfo,
 * checked as authenticode-parser checks them:
 * <ul>
 * <li>PKCS#9 counterSignature (1.2.840.113549.1.9.6): a SignerInfo whose certificate is in the countersigned
 * SignedData. Verified when it has a signingTime, its certificate is found, its messageDigest attribute is present
 * and the algorithm known, its RSA signature recovers (PKCS#1 v1.5) to the digest of its signed attributes (raw or
 * as a DigestInfo), and the messageDigest equals the digest of the countersigned signature value. authenticode-parser
 * recovers the digest with RSA, so a PKCS#9 countersignature with an EC key is never verified; we do the same.</li>
 * <li>Microsoft's RFC 3161 timestamp (1.3.6.1.4.1.311.3.3.1): a SignedData holding a TSTInfo, with its own
 * certificates (appended to the signature's certificates). Verified when the TSTInfo has version 1 and a message
 * imprint equal to the digest of the countersigned signature value, and the token's first signer verifies as a
 * PKCS#7 signature (messageDigest of the TSTInfo, signature over the signed attributes). A token that OpenSSL
 * cannot read as PKCS#7 but reads as CMS (certificate sets with attribute certificates, as Microsoft's timestamp
 * tokens have, or signers identified by subject key identifier) is checked as authenticode-parser checks it with
 * OpenSSL's CMS_SignerInfo_verify_content: only the messageDigest of the TSTInfo, not the signature.</li>
 * </ul>
 * No chain or trust check, no check of the timestamp certificate's key usage or validity at the time.
 */
final class Countersignatures {
    private Countersignatures() {}

    static final String PKCS9 = "1.2.840.113549.1.9.6", MS_TIMESTAMP = "1.3.6.1.4.1.311.3.3.1";
    private static final String TST_INFO = "1.2.840.113549.1.9.16.1.4";
    private static final int MAX_PER_ATTRIBUTE = 16; // values read per attribute, as authenticode-parser (MAX_NESTED_COUNT)

    /**
     * The countersignatures of {@code si} (signer of {@code sd}), PKCS#9 ones first, each as YARA's fields;
     * the certificates of timestamp tokens are appended to {@code certs}.
     */
    static List<Object> read(Cms.SignedData sd, Cms.Signer si, List<X509Cert> certs) {
        List<Object> out = new ArrayList<>();
        byte[] d = sd.d();
        byte[] enc = Arrays.copyOfRange(d, si.signature().start(), si.signature().end());
        List<Der.Tlv> p9 = Cms.values(d, si.unsignedAttrs(), PKCS9);
        if (p9 != null) {
            for (int i = 0; i < Math.min(p9.size(), MAX_PER_ATTRIBUTE); i++) out.add(pkcs9(sd, p9.get(i), enc));
        }
        List<Der.Tlv> ms = Cms.values(d, si.unsignedAttrs(), MS_TIMESTAMP);
        if (ms != null) {
            for (int i = 0; i < Math.min(ms.size(), MAX_PER_ATTRIBUTE); i++) out.add(timestamp(d, ms.get(i), enc, certs));
        }
        return out;
    }

    private static Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put("verified", 0L);
        m.put("sign_time", 0L);
        m.put("length_of_chain", 0L);
        m.put("chain", List.of());
        return m;
    }

    private static void chain(Map<String, Object> m, X509Cert signer, List<X509Cert> pool) {
        List<Object> chain = new ArrayList<>();
        for (X509Cert c : Authenticode.chain(signer, pool)) chain.add(c.fields(true));
        m.put("chain", chain);
        m.put("length_of_chain", (long) chain.size());
    }

    private static Map<String, Object> pkcs9(Cms.SignedData sd, Der.Tlv value, byte[] enc) {
        Map<String, Object> m = base();
        byte[] d = sd.d();
        Cms.Signer cs = value.tag() == Der.SEQUENCE ? Cms.signer(new Der(d, value.start(), value.end())) : null;
        if (cs == null || cs.issuer() == null) return m; // a PKCS#7 SignerInfo has no subject key identifier form
        m.put("digest_alg", Args.str(Cms.digestName(cs.digestOid())));
        Der.Tlv time = Cms.value(d, cs.signedAttrs(), Cms.SIGNING_TIME);
        Long t = time == null ? null : new Der(d, 0, d.length).time(time);
        if (time == null) return m;
        if (t != null) m.put("sign_time", t);
        X509Cert cert = sd.certOf(cs);
        if (cert == null) return m;
        chain(m, cert, sd.certs());
        Der.Tlv md = Cms.value(d, cs.signedAttrs(), Cms.MESSAGE_DIGEST);
        if (md == null || md.length() == 0) return m;
        String alg = Cms.jdkDigest(cs.digestOid());
        if (alg == null) return m;
        m.put("digest", Args.str(HexFormat.of().formatHex(d, md.start(), md.end())));
        byte[] attrs = Arrays.copyOfRange(d, cs.signedAttrs().headerStart(), cs.signedAttrs().end());
        attrs[0] = Der.SET;
        byte[] want = Cms.digest(alg, attrs, 0, attrs.length);
        byte[] got = recover(cert.publicKey(), d, cs.signature());
        if (got == null || !matches(got, want)) return m;
        byte[] counter = Cms.digest(alg, enc, 0, enc.length);
        if (Arrays.equals(counter, 0, counter.length, d, md.start(), md.end())) m.put("verified", 1L);
        return m;
    }

    /** The RSA-recovered content of a PKCS#1 v1.5 signature, or null (EC keys cannot be recovered). */
    private static byte[] recover(PublicKey key, byte[] d, Der.Tlv sig) {
        if (!(key instanceof RSAPublicKey)) return null;
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            c.init(Cipher.DECRYPT_MODE, key);
            return c.doFinal(d, sig.start(), sig.length());
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /** The recovered data is the digest itself, or a DigestInfo holding it. */
    private static boolean matches(byte[] got, byte[] want) {
        if (got.length == want.length) return Arrays.equals(got, want);
        Der r = new Der(got, 0, got.length);
        Der.Tlv info = r.next(Der.SEQUENCE);
        if (info == null) return false;
        Der i = r.inside(info);
        if (i.next(Der.SEQUENCE) == null) return false;
        Der.Tlv dig = i.next(Der.OCTET_STRING);
        return dig != null && dig.length() >= want.length && Arrays.equals(got, dig.start(), dig.start() + want.length, want, 0, want.length);
    }

    private static Map<String, Object> timestamp(byte[] d, Der.Tlv value, byte[] enc, List<X509Cert> certs) {
        Map<String, Object> m = base();
        Der all = new Der(d, 0, d.length);
        Cms.SignedData tok = Cms.parse(all, value);
        boolean cms = tok == null; // authenticode-parser falls back to OpenSSL's CMS reader when PKCS#7 fails
        if (cms) tok = Cms.parse(all, value, true);
        if (tok == null || !TST_INFO.equals(tok.contentType()) || tok.content() == null || tok.content().tag() != Der.OCTET_STRING) return m;
        Der.Tlv content = tok.content();
        Der outer = new Der(d, content.start(), content.end());
        Der.Tlv infoTlv = outer.next(Der.SEQUENCE);
        if (infoTlv == null) return m;
        Der info = outer.inside(infoTlv);
        Der.Tlv version = info.next(Der.INTEGER);
        if (version == null || info.next(Der.OID) == null) return m;
        Der.Tlv imprintTlv = info.next(Der.SEQUENCE);
        if (imprintTlv == null || info.next(Der.INTEGER) == null) return m;
        Der.Tlv genTime = info.next(Der.GENERALIZED_TIME);
        if (genTime == null) return m;
        Long t = info.time(genTime);
        if (t != null) m.put("sign_time", t);
        if (tok.signers().isEmpty()) return m;
        X509Cert cert = null;
        if (!cms) {
            for (Cms.Signer s : tok.signers()) if (tok.certOf(s) == null) return m; // OpenSSL's PKCS7_get0_signers needs them all
            cert = tok.certOf(tok.signers().get(0));
        } else {
            for (int i = 0; i < tok.signers().size() && cert == null; i++) cert = tok.certOf(tok.signers().get(i)); // first match
            if (cert == null) return m;
        }
        for (X509Cert x : tok.certs()) if (certs.size() < Authenticode.MAX_LISTED) certs.add(x);
        chain(m, cert, tok.certs());
        Der imp = info.inside(imprintTlv);
        Der.Tlv algTlv = imp.next(Der.SEQUENCE);
        Der.Tlv hashed = imp.next(Der.OCTET_STRING);
        if (algTlv == null || hashed == null) return m;
        Der alg = imp.inside(algTlv);
        String oid = alg.oid(alg.next(Der.OID));
        m.put("digest_alg", Args.str(Cms.digestName(oid)));
        if (hashed.length() == 0) return m;
        m.put("digest", Args.str(HexFormat.of().formatHex(d, hashed.start(), hashed.end())));
        String jdk = Cms.jdkDigest(oid);
        if (jdk == null) return m;
        byte[] counter = Cms.digest(jdk, enc, 0, enc.length);
        if (!Arrays.equals(counter, 0, counter.length, d, hashed.start(), hashed.end())) return m;
        if (version.length() != 1 || d[version.start()] != 1) return m;
        boolean ok = cms ? Cms.verifyContent(tok, tok.signers().get(0), content.start(), content.end())
                : Cms.verify(tok, tok.signers().get(0), cert, content.start(), content.end());
        if (ok) m.put("verified", 1L);
        return m;
    }
}
