package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pe module's Authenticode fields against real tools, on PE files signed here: a root CA, an intermediate CA,
 * RSA, ECDSA and DSA code-signing leaves and timestamping authorities made with {@code openssl}; files signed with
 * {@code osslsigncode sign} (SHA-256 / SHA-1, RSA / ECDSA, built-in RFC 3161 timestamps, nested signatures),
 * then tampered with.
 * <ul>
 * <li>{@code osslsigncode verify} (trusting our root) is the oracle for the stored and computed file digests, the
 * signer's messageDigest, program name, timestamp time and algorithm, and whether the signature and the timestamp
 * verify. osslsigncode also checks the certificate chain against the root; authenticode-parser (YARA 4.3+) does
 * not, so only files whose chains are trusted are compared on {@code verified}.</li>
 * <li>{@code openssl x509} gives the thumbprints and serials of the certificates, in chain order.</li>
 * <li>{@code yara} 4.2.3 gives the fields it already had (one entry per signer, thumbprint ... not_after).</li>
 * </ul>
 * Skipped when osslsigncode or openssl is missing.
 */
class AuthenticodeDifferentialTest {
    @TempDir
    static Path dir;
    private static final Map<String, Path> FILES = new LinkedHashMap<>();
    private static final Map<String, String[]> CERTS = new LinkedHashMap<>(); // name -> {sha1 thumbprint, serial}
    private static final Map<String, String> CN = new LinkedHashMap<>(); // subject common name -> name
    private static final Map<String, byte[]> DER = new LinkedHashMap<>(); // name -> certificate DER
    private static final String[] OLD = {"thumbprint", "issuer", "subject", "version", "algorithm", "algorithm_oid", "serial", "not_before", "not_after"};

    private static String run(Path cwd, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static void must(Path cwd, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }

    private static Path input() {
        Path clam = Path.of("/usr/share/clamav-testfiles/clam.exe");
        if (Files.exists(clam)) return clam;
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            Path t = p.resolve("../shared/conformance/yara/data/tiny").normalize();
            if (Files.exists(t)) return t;
        }
        return null;
    }

    private static void cert(String name, String subject, String issuer, String keyArgs, String ext) throws Exception {
        Files.writeString(dir.resolve(name + ".cnf"), "[x]\n" + ext.replace(";", "\n") + "\nsubjectKeyIdentifier=hash\n");
        if (keyArgs.equals("ec")) must(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key");
        else if (keyArgs.equals("dsa")) {
            must(dir, "openssl", "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048", "-pkeyopt", "dsa_paramgen_q_bits:256",
                    "-out", name + ".param");
            must(dir, "openssl", "genpkey", "-paramfile", name + ".param", "-out", name + ".key");
        } else must(dir, "openssl", "genrsa", "-out", name + ".key", "2048");
        must(dir, "openssl", "req", "-new", "-key", name + ".key", "-subj", subject, "-out", name + ".csr");
        if (issuer == null) {
            must(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-signkey", name + ".key", "-days", "3650", "-extfile", name + ".cnf",
                    "-extensions", "x", "-out", name + ".pem");
        } else {
            must(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key", "-set_serial",
                    "0x" + Integer.toHexString(name.hashCode() & 0x7FFFFFFF) + "01", "-days", "365", "-extfile", name + ".cnf", "-extensions", "x",
                    "-out", name + ".pem");
        }
        must(dir, "openssl", "x509", "-in", name + ".pem", "-outform", "DER", "-out", name + ".der");
        DER.put(name, Files.readAllBytes(dir.resolve(name + ".der")));
        CN.put(subject.substring(subject.indexOf("CN=") + 3), name);
        String o = run(dir, "openssl", "x509", "-in", name + ".pem", "-noout", "-fingerprint", "-sha1", "-serial");
        Matcher f = Pattern.compile("Fingerprint=([0-9A-F:]+)").matcher(o), s = Pattern.compile("serial=([0-9A-F]+)").matcher(o);
        assertTrue(f.find() && s.find(), o);
        String serial = s.group(1).length() % 2 == 1 ? "0" + s.group(1) : s.group(1);
        if (Integer.parseInt(serial.substring(0, 2), 16) >= 0x80) serial = "00" + serial; // DER INTEGER content, as YARA prints it
        CERTS.put(name, new String[] {f.group(1).replace(":", "").toLowerCase(Locale.ROOT), serial.replaceAll("(..)(?!$)", "$1:").toLowerCase(Locale.ROOT)});
    }

    private static Path sign(String out, Path in, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("osslsigncode", "sign"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-in", in.toString(), "-out", out));
        must(dir, cmd.toArray(String[]::new));
        Path p = dir.resolve(out);
        FILES.put(out, p);
        return p;
    }

    private static Path tamper(String out, Path in, int offset) throws IOException {
        byte[] b = Files.readAllBytes(in);
        b[offset] ^= 0x5A;
        Path p = dir.resolve(out);
        Files.write(p, b);
        FILES.put(out, p);
        return p;
    }

    private static int find(byte[] hay, byte[] needle) {
        return find(hay, needle, 0);
    }

    private static int find(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @BeforeAll
    static void makeFiles() throws Exception {
        Path pe = input();
        boolean tools = Files.isExecutable(Path.of("/usr/bin/osslsigncode")) && Files.isExecutable(Path.of("/usr/bin/openssl"));
        if (!tools || pe == null) return;
        String ca = "basicConstraints=critical,CA:TRUE;keyUsage=critical,keyCertSign,cRLSign";
        cert("root", "/C=US/O=Bulwark Test/CN=Bulwark Test Root", null, "rsa", ca);
        cert("inter", "/C=US/O=Bulwark Test/CN=Bulwark Test Intermediate", "root", "rsa", ca);
        cert("leaf", "/C=US/O=Bulwark Test/CN=Bulwark RSA Signer", "inter", "rsa", "keyUsage=critical,digitalSignature;extendedKeyUsage=codeSigning");
        cert("ecleaf", "/C=US/O=Bulwark Test/CN=Bulwark ECDSA Signer", "root", "ec", "keyUsage=critical,digitalSignature;extendedKeyUsage=codeSigning");
        cert("tsa", "/C=US/O=Bulwark Test/CN=Bulwark Test TSA", "root", "rsa", "keyUsage=critical,digitalSignature;extendedKeyUsage=critical,timeStamping");
        cert("dsaleaf", "/C=US/O=Bulwark Test/CN=Bulwark DSA Signer", "root", "dsa", "keyUsage=critical,digitalSignature;extendedKeyUsage=codeSigning");
        cert("ectsa", "/C=US/O=Bulwark Test/CN=Bulwark ECDSA TSA", "root", "ec", "keyUsage=critical,digitalSignature;extendedKeyUsage=critical,timeStamping");
        cert("slash", "/C=US/O=Bulwark A\\/B/CN=Bulwark Slash Signer", "root", "rsa", "keyUsage=critical,digitalSignature;extendedKeyUsage=codeSigning");
        Files.writeString(dir.resolve("leafchain.pem"), Files.readString(dir.resolve("leaf.pem")) + Files.readString(dir.resolve("inter.pem")));
        Files.writeString(dir.resolve("fullchain.pem"), Files.readString(dir.resolve("leafchain.pem")) + Files.readString(dir.resolve("root.pem")));
        Files.writeString(dir.resolve("tsachain.pem"), Files.readString(dir.resolve("tsa.pem")) + Files.readString(dir.resolve("root.pem")));
        String now = Long.toString(System.currentTimeMillis() / 1000);
        String[] tsa = {"-TSA-certs", "tsachain.pem", "-TSA-key", "tsa.key", "-TSA-time", now};
        Path rsa256 = sign("rsa256.exe", pe, concat(new String[] {"-certs", "leafchain.pem", "-key", "leaf.key", "-h", "sha256", "-n", "Bulwark Test Program"}, tsa));
        Path rsa1 = sign("rsa1.exe", pe, "-certs", "fullchain.pem", "-key", "leaf.key", "-h", "sha1");
        sign("ecdsa.exe", pe, concat(new String[] {"-certs", "ecleaf.pem", "-key", "ecleaf.key", "-h", "sha256"}, tsa));
        sign("dsa.exe", pe, "-certs", "dsaleaf.pem", "-key", "dsaleaf.key", "-h", "sha256");
        sign("slash.exe", pe, "-certs", "slash.pem", "-key", "slash.key");
        sign("nested.exe", rsa256, concat(new String[] {"-certs", "ecleaf.pem", "-key", "ecleaf.key", "-h", "sha1", "-nest"}, tsa));
        // PKCS#9 counterSignatures from a local Authenticode (legacy) timestamp server that signs with openssl cms
        Path p9 = legacyTimestamp("pkcs9.exe", pe, "tsa");
        legacyTimestamp("pkcs9-ecdsa.exe", pe, "ectsa");
        rfc3161Files(pe);
        byte[] p9b = Files.readAllBytes(p9);
        int first = find(p9b, HexFormat.of().parseHex("06092a864886f70d010905"));
        int second = find(p9b, HexFormat.of().parseHex("06092a864886f70d010905"), first + 1);
        assertTrue(first > 0 && second > first);
        tamper("bad-pkcs9.exe", p9, second + 11 + 2 + 11); // the countersignature's signingTime
        // one byte of the image (inside the hashed range, not the checksum or the security directory entry)
        tamper("bad-section.exe", rsa256, 0x180);
        byte[] b = Files.readAllBytes(rsa1);
        // the signer's RSA signature value: rsaEncryption AlgorithmIdentifier then OCTET STRING of 256 bytes
        int sig = find(b, HexFormat.of().parseHex("06092a864886f70d0101010500048201 00".replace(" ", "")));
        assertTrue(sig > 0);
        tamper("bad-signature.exe", rsa1, sig + 17 + 100);
        // the signed attributes: the signingTime's seconds digit
        int time = find(b, HexFormat.of().parseHex("06092a864886f70d010905"));
        assertTrue(time > 0);
        tamper("bad-attributes.exe", rsa1, time + 11 + 2 + 11);
        // the timestamp token's TSTInfo (its genTime, a GeneralizedTime inside the token's content)
        byte[] r = Files.readAllBytes(rsa256);
        int tst = find(r, HexFormat.of().parseHex("060b2a864886f70d0109100104"));
        assertTrue(tst > 0);
        int gen = find(java.util.Arrays.copyOfRange(r, tst, r.length), new byte[] {0x18, 0x0F});
        assertTrue(gen > 0);
        tamper("bad-timestamp.exe", rsa256, tst + gen + 2 + 13);
    }

    /**
     * rfc3161.exe: timestamped by osslsigncode -ts against a local RFC 3161 server answering with {@code openssl ts
     * -reply}. cms-token.exe: the same file with that token re-signed by {@code openssl cms -sign -keyid} (its
     * signer identified by subject key identifier, which OpenSSL's PKCS#7 reader refuses, so authenticode-parser
     * reads it as CMS); osslsigncode cannot attach such a token, so it is spliced in (DER lengths fixed up).
     * cms-token-bad-signature.exe: that token's signature value changed.
     */
    private static void rfc3161Files(Path pe) throws Exception {
        Path signed;
        try (LocalTsa tsa = LocalTsa.rfc3161(dir, "tsa")) {
            signed = sign("rfc3161.exe", pe, "-certs", "leafchain.pem", "-key", "leaf.key", "-h", "sha256", "-ts", tsa.url());
        }
        must(dir, "openssl", "ts", "-reply", "-in", "resp.tsr", "-token_out", "-out", "token.der");
        must(dir, "openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", "token.der", "-out", "tstinfo.der");
        must(dir, "openssl", "cms", "-sign", "-binary", "-in", "tstinfo.der", "-econtent_type", "id-smime-ct-TSTInfo", "-keyid", "-signer", "tsa.pem",
                "-inkey", "tsa.key", "-md", "sha256", "-nodetach", "-nosmimecap", "-outform", "DER", "-out", "token-keyid.der");
        byte[] file = Files.readAllBytes(signed), token = Files.readAllBytes(dir.resolve("token.der"));
        byte[] keyid = Files.readAllBytes(dir.resolve("token-keyid.der"));
        int at = find(file, token);
        assertTrue(at > 0, "the token is in the file as openssl wrote it");
        byte[] spliced = LocalTsa.splice(file, at, token.length, keyid);
        Files.write(dir.resolve("cms-token.exe"), spliced);
        FILES.put("cms-token.exe", dir.resolve("cms-token.exe"));
        // the token's signature value: the last OCTET STRING of its SignerInfo, 256 bytes for the RSA TSA key
        int sig = find(spliced, HexFormat.of().parseHex("0482010 0".replace(" ", "")), at + keyid.length - 300);
        assertTrue(sig > at && sig < at + keyid.length, "signature value found");
        tamper("cms-token-bad-signature.exe", dir.resolve("cms-token.exe"), sig + 4 + 100);
    }

    /** Signs with {@code osslsigncode sign -t} against a local Authenticode timestamp server signing with {@code tsaName}. */
    private static Path legacyTimestamp(String out, Path in, String tsaName) throws Exception {
        try (LocalTsa tsa = LocalTsa.authenticode(dir, tsaName)) {
            return sign(out, in, "-certs", "leafchain.pem", "-key", "leaf.key", "-h", "sha256", "-t", tsa.url());
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] o = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    private static void assumeFiles() {
        Assumptions.assumeFalse(FILES.isEmpty(), "osslsigncode / openssl / an input PE not available");
    }

    /** One "Signature Index" block of osslsigncode verify's output, as key lines. */
    record Block(Map<String, String> v) {
        String get(String k) {
            return v.get(k);
        }
    }

    private static List<Block> oracle(Path f) throws Exception {
        String out = run(dir, "osslsigncode", "verify", "-CAfile", "root.pem", "-TSA-CAfile", "root.pem", "-in", f.toString());
        List<Block> blocks = new ArrayList<>();
        Map<String, String> cur = null;
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (l.startsWith("Signature Index:")) blocks.add(new Block(cur = new LinkedHashMap<>()));
            if (cur == null) continue;
            int c = l.indexOf(':');
            if (c < 0) continue;
            String k = l.substring(0, c).strip(), v = l.substring(c + 1).strip();
            cur.putIfAbsent(k, v);
        }
        return blocks;
    }

    private static final DateTimeFormatter OSSL_TIME = DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy", Locale.ROOT);

    private static long time(String s) {
        String t = s.replace(" GMT", "").replaceAll("\\s+", " ");
        return LocalDateTime.parse(t, OSSL_TIME).toEpochSecond(ZoneOffset.UTC);
    }

    private static String hexOf(String osslHex) {
        return osslHex.split("\\s+")[0].toLowerCase(Locale.ROOT);
    }

    /** Our fields against osslsigncode verify, signature by signature. */
    private static List<String> compareWithOsslsigncode(String name, Map<String, Object> ours, List<Block> blocks) {
        List<String> d = new ArrayList<>();
        assertEquals((long) blocks.size(), ours.get("number_of_signatures"), name + ": number of signatures");
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            String p = "signatures[" + i + "].";
            check(d, name, p + "digest_alg", b.get("Message digest algorithm").toLowerCase(Locale.ROOT), ours);
            check(d, name, p + "digest", hexOf(b.get("Current message digest")), ours);
            check(d, name, p + "file_digest", hexOf(b.get("Calculated message digest")), ours);
            if (b.get("Message digest") != null) check(d, name, p + "signer_info.digest", hexOf(b.get("Message digest")), ours);
            if (b.get("Text description") != null) check(d, name, p + "signer_info.program_name", b.get("Text description"), ours);
            if (b.get("Timestamp time") != null) {
                check(d, name, p + "countersignatures[0].sign_time", time(b.get("Timestamp time")), ours);
                check(d, name, p + "countersignatures[0].digest_alg", b.get("Hash Algorithm"), ours);
                boolean tsOk = "ok".equals(b.get("Timestamp Server Signature verification"));
                // authenticode-parser recovers PKCS#9 countersignature digests with RSA only: EC ones never verify
                if (!name.equals("pkcs9-ecdsa.exe")) check(d, name, p + "countersignatures[0].verified", tsOk ? 1L : 0L, ours);
                else if (!tsOk || !Long.valueOf(0).equals(ours.get(p + "countersignatures[0].verified"))) d.add(name + ": expected osslsigncode ok, ours 0");
            }
            // osslsigncode fails a signature whose timestamp fails; authenticode-parser ignores countersignatures
            boolean tsFailed = b.get("Timestamp time") != null && !"ok".equals(b.get("Timestamp Server Signature verification"));
            if (!tsFailed) check(d, name, p + "verified", "ok".equals(b.get("Signature verification")) ? 1L : 0L, ours);
        }
        return d;
    }

    private static void check(List<String> d, String file, String key, Object want, Map<String, Object> ours) {
        Object got = ours.get(key);
        if (!want.equals(got)) d.add(file + " " + key + ": osslsigncode " + want + ", ours " + got);
    }

    @Test
    void fieldsAndVerificationAgreeWithOsslsigncode() throws Exception {
        assumeFiles();
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, Path> e : FILES.entrySet()) {
            if (e.getKey().startsWith("cms-token")) continue; // osslsigncode cannot read a CMS-only token: see cmsOnlyTimestampToken
            Map<String, Object> ours = YaraDump.ours("pe", Files.readAllBytes(e.getValue()));
            List<Block> blocks = oracle(e.getValue());
            assertTrue(!blocks.isEmpty(), e.getKey() + ": osslsigncode found no signature");
            diffs.addAll(compareWithOsslsigncode(e.getKey(), ours, blocks));
        }
        diffs.forEach(System.out::println);
        assertEquals(List.of(), diffs);
    }

    @Test
    void expectedVerdictsOfTheTamperedFiles() throws Exception {
        assumeFiles();
        // file, verified of signature 0, verified of its first countersignature (-1: none), is_signed
        Object[][] want = {
                {"rsa256.exe", 1L, 1L, 1L}, {"rsa1.exe", 1L, -1L, 1L}, {"ecdsa.exe", 1L, 1L, 1L}, {"nested.exe", 1L, 1L, 1L},
                {"slash.exe", 1L, -1L, 1L}, {"dsa.exe", 1L, -1L, 1L}, {"pkcs9.exe", 1L, 1L, 1L}, {"pkcs9-ecdsa.exe", 1L, 0L, 1L},
                {"bad-section.exe", 0L, 1L, 0L}, {"bad-signature.exe", 0L, -1L, 0L}, {"bad-attributes.exe", 0L, -1L, 0L},
                {"bad-timestamp.exe", 1L, 0L, 1L}, {"bad-pkcs9.exe", 1L, 0L, 1L}, {"rfc3161.exe", 1L, 1L, 1L},
                {"cms-token.exe", 1L, 1L, 1L}, {"cms-token-bad-signature.exe", 1L, 1L, 1L}};
        assertEquals(FILES.size(), want.length, "every file is listed");
        for (Object[] w : want) {
            String f = (String) w[0];
            Map<String, Object> ours = YaraDump.ours("pe", Files.readAllBytes(FILES.get(f)));
            assertEquals(w[1], ours.get("signatures[0].verified"), f);
            assertEquals((Long) w[2] < 0 ? 0L : 1L, ours.get("signatures[0].number_of_countersignatures"), f);
            if ((Long) w[2] >= 0) assertEquals(w[2], ours.get("signatures[0].countersignatures[0].verified"), f);
            assertEquals(w[3], ours.get("is_signed"), f);
        }
        Map<String, Object> nested = YaraDump.ours("pe", Files.readAllBytes(FILES.get("nested.exe")));
        assertEquals(2L, nested.get("number_of_signatures"));
        assertEquals(1L, nested.get("signatures[1].verified"), "the nested ECDSA / SHA-1 signature");
        assertEquals("sha1", nested.get("signatures[1].digest_alg"));
    }

    @Test
    void certificatesAndChainsAgreeWithOpenssl() throws Exception {
        assumeFiles();
        Path f = FILES.get("rsa256.exe");
        Map<String, Object> rsa256 = YaraDump.ours("pe", Files.readAllBytes(f));
        // certificates: the SignedData's (in the order openssl lists them), then the timestamp token's; every
        // certificate of the file counted as often as its DER occurs in it (osslsigncode's built-in TSA puts its
        // certificate in the token twice: as the signer's and from -TSA-certs)
        must(dir, "osslsigncode", "extract-signature", "-pem", "-in", f.toString(), "-out", "rsa256.p7.pem");
        String listed = run(dir, "openssl", "pkcs7", "-in", "rsa256.p7.pem", "-print_certs", "-noout");
        List<String> outer = new ArrayList<>();
        for (Matcher m = Pattern.compile("subject=.*CN ?= ?(.*)").matcher(listed); m.find(); ) {
            String cn = m.group(1).strip();
            outer.add(CN.getOrDefault(cn, cn));
        }
        List<String> got = certNames(rsa256, "signatures[0].certificates");
        assertEquals(outer, got.subList(0, Math.min(outer.size(), got.size())), "the SignedData's certificates first");
        byte[] file = Files.readAllBytes(f);
        int total = 0;
        for (Map.Entry<String, byte[]> e : DER.entrySet()) {
            int n = 0;
            for (int i = 0; (i = find(file, e.getValue(), i)) >= 0; i++) n++;
            total += n;
            assertEquals(n, java.util.Collections.frequency(got, e.getKey()), e.getKey() + " occurrences in " + got);
        }
        assertEquals((long) total, rsa256.get("signatures[0].number_of_certificates"));
        assertCerts(rsa256, "signatures[0].signer_info.chain", "leaf", "inter"); // the root is not in the signature
        assertCerts(rsa256, "signatures[0].countersignatures[0].chain", "tsa", "root");
        assertEquals(rsa256.get("signatures[0].thumbprint"), CERTS.get("leaf")[0], "4.2.3's top-level fields are the signer's");
        assertEquals("sha256", rsa256.get("signatures[0].signer_info.digest_alg"));
        Map<String, Object> rsa1 = YaraDump.ours("pe", Files.readAllBytes(FILES.get("rsa1.exe")));
        assertCerts(rsa1, "signatures[0].signer_info.chain", "leaf", "inter", "root");
        assertEquals("sha1", rsa1.get("signatures[0].signer_info.digest_alg"));
        Map<String, Object> ec = YaraDump.ours("pe", Files.readAllBytes(FILES.get("ecdsa.exe")));
        assertCerts(ec, "signatures[0].signer_info.chain", "ecleaf"); // the root is only in the timestamp token, not a chain candidate
        assertEquals("sha256WithRSAEncryption", ec.get("signatures[0].algorithm"), "the ECDSA leaf's certificate is signed by the RSA root");
    }

    @Test
    void cmsOnlyTimestampToken() throws Exception {
        assumeFiles();
        // openssl: the re-signed token verifies; with its signature value changed it does not
        byte[] good = Files.readAllBytes(FILES.get("cms-token.exe")), bad = Files.readAllBytes(FILES.get("cms-token-bad-signature.exe"));
        byte[] token = Files.readAllBytes(dir.resolve("token-keyid.der"));
        int at = find(good, token);
        assertTrue(at > 0);
        Files.write(dir.resolve("bad-token.der"), java.util.Arrays.copyOfRange(bad, at, at + token.length));
        assertTrue(cmsVerifies("token-keyid.der"));
        assertTrue(!cmsVerifies("bad-token.der"));
        // authenticode-parser reads the token with OpenSSL's CMS reader and checks only its messageDigest
        // (CMS_SignerInfo_verify_content): both count as verified, as they would in YARA 4.3+
        Map<String, Object> g = YaraDump.ours("pe", good), b = YaraDump.ours("pe", bad);
        assertEquals(1L, g.get("signatures[0].countersignatures[0].verified"));
        assertEquals(1L, b.get("signatures[0].countersignatures[0].verified"));
        // sign time and chain as openssl ts prints them for the same TSTInfo
        String text = run(dir, "openssl", "ts", "-reply", "-in", "resp.tsr", "-text");
        Matcher m = Pattern.compile("Time stamp: (\\w+ +\\d+ [\\d:]+) (\\d+) GMT").matcher(text);
        assertTrue(m.find(), text);
        assertEquals(time(m.group(1) + " " + m.group(2)), g.get("signatures[0].countersignatures[0].sign_time"));
        assertCerts(g, "signatures[0].countersignatures[0].chain", "tsa");
    }

    private static boolean cmsVerifies(String token) throws Exception {
        Process p = new ProcessBuilder("openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", token, "-out", "/dev/null")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void slashInsideANameIsEscapedInTheOldFieldsOnly() throws Exception {
        assumeFiles();
        Map<String, Object> ours = YaraDump.ours("pe", Files.readAllBytes(FILES.get("slash.exe")));
        // yara 4.2.3 (OpenSSL 3's X509_NAME_oneline) escapes it; authenticode-parser removes the escape
        assertEquals("/C=US/O=Bulwark A\\/B/CN=Bulwark Slash Signer", ours.get("signatures[0].subject"));
        assertEquals("/C=US/O=Bulwark A/B/CN=Bulwark Slash Signer", ours.get("signatures[0].signer_info.chain[0].subject"));
        assertEquals("/C=US/O=Bulwark A/B/CN=Bulwark Slash Signer", ours.get("signatures[0].certificates[0].subject"));
    }

    private static List<String> certNames(Map<String, Object> ours, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; ours.containsKey(prefix + "[" + i + "].thumbprint"); i++) {
            Object t = ours.get(prefix + "[" + i + "].thumbprint");
            out.add(CERTS.entrySet().stream().filter(e -> e.getValue()[0].equals(t)).map(Map.Entry::getKey).findFirst().orElse(String.valueOf(t)));
        }
        return out;
    }

    private static void assertCerts(Map<String, Object> ours, String prefix, String... names) {
        String count = prefix.endsWith("chain") ? prefix.replace("chain", "length_of_chain") : prefix.replace("certificates", "number_of_certificates");
        assertEquals((long) names.length, ours.get(count), count + " " + certNames(ours, prefix));
        for (int i = 0; i < names.length; i++) {
            assertEquals(CERTS.get(names[i])[0], ours.get(prefix + "[" + i + "].thumbprint"), prefix + "[" + i + "] is " + names[i]);
            assertEquals(CERTS.get(names[i])[1], ours.get(prefix + "[" + i + "].serial"), prefix + "[" + i + "] serial");
        }
    }

    @Test
    void oldFieldsAgreeWithYara423() throws Exception {
        assumeFiles();
        Assumptions.assumeTrue(Files.isExecutable(YaraDump.YARA), "yara not installed");
        java.util.Set<String> old = java.util.Set.of(OLD);
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, Path> e : FILES.entrySet()) {
            diffs.addAll(YaraDump.diff(YaraDump.yara("pe", e.getValue()), YaraDump.ours("pe", Files.readAllBytes(e.getValue())),
                    k -> k.equals("number_of_signatures") || k.matches("signatures\\[\\d+\\]\\.\\w+") && old.contains(k.substring(k.indexOf('.') + 1))));
        }
        diffs.forEach(System.out::println);
        assertEquals(List.of(), diffs);
    }

    @Test
    void rulesOnTheNewFields() throws Exception {
        assumeFiles();
        String rules = """
                import "pe"
                rule signed { condition: pe.is_signed }
                rule chain { condition: for any s in pe.signatures : (s.verified and s.signer_info.length_of_chain == 2
                    and s.signer_info.chain[1].subject contains "Intermediate" and s.signer_info.program_name == "Bulwark Test Program") }
                rule stamped { condition: for any s in pe.signatures : (for any c in s.countersignatures : (c.verified and c.sign_time > 1700000000)) }
                rule digest_matches { condition: pe.number_of_signatures > 0 and pe.signatures[0].digest == pe.signatures[0].file_digest }
                rule nested_ecdsa { condition: pe.number_of_signatures == 2 and pe.signatures[1].verified and pe.signatures[1].subject contains "ECDSA" }
                """;
        YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("auth.yar", rules)), Map.of());
        Map<String, List<String>> want = Map.of(
                "rsa256.exe", List.of("signed", "chain", "stamped", "digest_matches"),
                "nested.exe", List.of("signed", "chain", "stamped", "digest_matches", "nested_ecdsa"),
                "rsa1.exe", List.of("signed", "digest_matches"),
                "bad-section.exe", List.of("stamped"),
                "bad-timestamp.exe", List.of("signed", "chain", "digest_matches"));
        for (Map.Entry<String, List<String>> e : want.entrySet()) {
            assertEquals(e.getValue(), rs.matchingRules(ByteBuffer.wrap(Files.readAllBytes(FILES.get(e.getKey())))), e.getKey());
        }
    }
}
