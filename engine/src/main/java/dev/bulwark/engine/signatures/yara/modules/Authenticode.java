package dev.bulwark.engine.signatures.yara.modules;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The YARA 4.3-4.5 fields of one Authenticode signature (a PKCS#7 SignedData whose content is an
 * SpcIndirectDataContent), with the meaning authenticode-parser (which those YARA versions use) gives them.
 *
 * <p>{@code verified} is 1 exactly when all of these hold, and nothing else is checked: the content is an
 * SpcIndirectDataContent holding a DigestInfo; the SignedData has a SignerInfo and the certificate of every
 * SignerInfo is among its certificates (by issuer and serial number); the first SignerInfo has a messageDigest
 * attribute; that SignerInfo verifies as PKCS#7 (its digest algorithm is one of the SignedData's, all of which are
 * known; the messageDigest equals the digest of the SpcIndirectDataContent's contents, its header left out when the
 * SignedData version is 1; the RSA or ECDSA signature over the DER of the signed attributes is made by the signer
 * certificate's key); and the DigestInfo's digest starts with the PE image's Authenticode digest computed with its
 * algorithm ({@link PeImageHash}; authenticode-parser compares as many bytes as the algorithm gives). There is no trust anchor: the certificate chain is built (for
 * {@code signer_info.chain}) but neither verified nor checked for validity dates or key usage, and countersignatures
 * do not change {@code verified}.
 *
 * <p>The signer chain is built as OpenSSL builds it with no trusted certificates: from the signer certificate,
 * repeatedly the first not yet used certificate of the SignedData whose subject equals the current issuer, until a
 * self-issued certificate or none is found. (OpenSSL also compares authority / subject key identifiers and prefers
 * issuers valid now; we compare names only.)
 */
final class Authenticode {
    private Authenticode() {}

    static final String SPC_INDIRECT_DATA = "1.3.6.1.4.1.311.2.1.4";
    private static final String SPC_OPUS_INFO = "1.3.6.1.4.1.311.2.1.12";
    private static final int MAX_CHAIN = 101; // OpenSSL's default verification depth (100) plus the leaf
    static final int MAX_LISTED = 1024; // certificates listed per signature (its own plus its timestamp tokens'); real ones have under 10
    private static final int MAX_PROGRAM_NAME = 1024; // characters kept of an SpcSpOpusInfo program name; real ones are short

    /** The new fields for the SignedData {@code sd}; {@code image} gives the PE's digests. */
    static Map<String, Object> fields(Cms.SignedData sd, PeImageHash image) {
        Map<String, Object> m = new HashMap<>();
        byte[] d = sd.d();
        List<X509Cert> all = new ArrayList<>(sd.certs());
        m.put("verified", 0L);
        m.put("number_of_countersignatures", 0L);
        m.put("countersignatures", List.of());
        Der.Tlv digest = null;
        String digestOid = null;
        Der.Tlv c = sd.content();
        if (SPC_INDIRECT_DATA.equals(sd.contentType()) && c != null && c.tag() == Der.SEQUENCE) {
            Der spc = new Der(d, c.start(), c.end());
            Der.Tlv data = spc.next(Der.SEQUENCE), info = spc.next(Der.SEQUENCE);
            if (data != null && info != null) {
                Der di = spc.inside(info);
                Der.Tlv algTlv = di.next(Der.SEQUENCE);
                digest = di.next(Der.OCTET_STRING);
                if (algTlv != null) {
                    Der alg = di.inside(algTlv);
                    digestOid = alg.oid(alg.next(Der.OID));
                }
                if (algTlv == null || digest == null || digestOid == null) digest = null;
            }
        }
        if (digest == null) return certificates(m, all); // authenticode-parser: "bad content", nothing more is read
        m.put("digest_alg", Args.str(Cms.digestName(digestOid)));
        if (digest.length() > 0) m.put("digest", hex(d, digest));
        String jdk = Cms.jdkDigest(digestOid);
        byte[] file = jdk == null || digest.length() == 0 ? null : image.digest(jdk);
        if (file != null) m.put("file_digest", Args.str(HexFormat.of().formatHex(file)));
        if (sd.signers().isEmpty()) return certificates(m, all);
        Cms.Signer si = sd.signers().get(0);
        List<Object> counters = Countersignatures.read(sd, si, all);
        m.put("countersignatures", counters);
        m.put("number_of_countersignatures", (long) counters.size());
        certificates(m, all);
        for (Cms.Signer s : sd.signers()) if (sd.certOf(s) == null) return m; // OpenSSL's PKCS7_get0_signers needs them all
        X509Cert cert = sd.certOf(si);
        Map<String, Object> signer = new HashMap<>();
        List<Object> chain = new ArrayList<>();
        for (X509Cert x : chain(cert, sd.certs())) chain.add(x.fields(true));
        signer.put("chain", chain);
        signer.put("length_of_chain", (long) chain.size());
        m.put("signer_info", signer);
        Der.Tlv md = Cms.value(d, si.signedAttrs(), Cms.MESSAGE_DIGEST);
        if (md == null) return m;
        signer.put("digest_alg", Args.str(Cms.digestName(si.digestOid())));
        if (md.length() > 0) signer.put("digest", hex(d, md));
        String name = programName(d, Cms.value(d, si.signedAttrs(), SPC_OPUS_INFO));
        if (name != null) signer.put("program_name", name.getBytes(StandardCharsets.UTF_8));
        int from = sd.version() == 1 ? c.start() : c.headerStart();
        boolean valid = Cms.verify(sd, si, cert, from, c.end());
        // authenticode-parser compares the digest's first bytes, as many as the algorithm gives (memcmp)
        boolean same = file != null && digest.length() >= file.length
                && Arrays.equals(file, 0, file.length, d, digest.start(), digest.start() + file.length);
        if (valid && same) m.put("verified", 1L);
        return m;
    }

    private static Map<String, Object> certificates(Map<String, Object> m, List<X509Cert> all) {
        List<Object> certs = new ArrayList<>();
        for (int i = 0; i < Math.min(all.size(), MAX_LISTED); i++) certs.add(all.get(i).fields(true));
        m.put("certificates", certs);
        m.put("number_of_certificates", (long) certs.size());
        return m;
    }

    private static byte[] hex(byte[] d, Der.Tlv t) {
        return Args.str(HexFormat.of().formatHex(d, t.start(), t.end()));
    }

    /** The signer chain: {@code leaf}, then issuers found by name among {@code pool}, each used once. */
    static List<X509Cert> chain(X509Cert leaf, List<X509Cert> pool) {
        List<X509Cert> out = new ArrayList<>();
        if (leaf == null) return out;
        out.add(leaf);
        boolean[] used = new boolean[pool.size()];
        for (int i = 0; i < pool.size(); i++) used[i] = pool.get(i) == leaf;
        X509Cert cur = leaf;
        while (!cur.selfIssued() && out.size() < MAX_CHAIN) {
            int next = -1;
            for (int i = 0; i < pool.size() && next < 0; i++) if (!used[i] && cur.issuedBy(pool.get(i))) next = i;
            if (next < 0) break;
            used[next] = true;
            cur = pool.get(next);
            out.add(cur);
        }
        return out;
    }

    /**
     * SpcSpOpusInfo's programName (BMPString [0] or IA5String [1] in an explicit [0]), or null. Like YARA's string
     * fields, it ends at the first NUL.
     */
    static String programName(byte[] d, Der.Tlv opus) {
        if (opus == null || opus.tag() != Der.SEQUENCE) return null;
        Der o = new Der(d, opus.start(), opus.end());
        Der.Tlv pn = o.next(0xA0);
        if (pn == null) return null;
        Der.Tlv s = o.inside(pn).next();
        if (s == null || s.tag() != 0x80 && s.tag() != 0x81) return null;
        if (s.tag() == 0x80 && s.length() % 2 != 0) return null; // OpenSSL refuses a BMPString of odd length
        String v = s.tag() == 0x80 ? new String(d, s.start(), s.length(), StandardCharsets.UTF_16BE)
                : new String(d, s.start(), s.length(), StandardCharsets.ISO_8859_1);
        // authenticode-parser keeps the UTF-8 form only when it is shorter than the whole SpcSpOpusInfo encoding
        if (v.getBytes(StandardCharsets.UTF_8).length >= opus.end() - opus.headerStart()) return null;
        int nul = v.indexOf('\0');
        if (nul >= 0) v = v.substring(0, nul);
        return v.length() > MAX_PROGRAM_NAME ? v.substring(0, MAX_PROGRAM_NAME) : v;
    }
}
