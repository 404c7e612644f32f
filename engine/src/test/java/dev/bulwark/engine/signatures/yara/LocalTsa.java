package dev.bulwark.engine.signatures.yara;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * Local timestamp servers for {@code osslsigncode sign -t / -ts}, signing with {@code openssl} and a test TSA key in
 * {@code dir}: the Authenticode (legacy) protocol, whose signer info osslsigncode adds as a PKCS#9 counterSignature,
 * and RFC 3161 ({@code openssl ts -reply}), whose token it adds as Microsoft's 1.3.6.1.4.1.311.3.3.1 attribute.
 */
final class LocalTsa implements AutoCloseable {
    private final HttpServer server;

    private interface Answer {
        byte[] answer(byte[] request) throws Exception;
    }

    private LocalTsa(Answer answer, String contentType) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> respond(ex, answer, contentType));
        server.start();
    }

    private static void respond(HttpExchange ex, Answer answer, String contentType) throws IOException {
        try {
            byte[] body = answer.answer(ex.getRequestBody().readAllBytes());
            ex.getResponseHeaders().add("Content-Type", contentType);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        } catch (Exception e) {
            ex.sendResponseHeaders(500, -1);
        } finally {
            ex.close();
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void must(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }

    /**
     * Authenticode timestamps: the request is base64 of SEQUENCE { 1.3.6.1.4.1.311.3.2.1, SEQUENCE { data, [0] {
     * OCTET STRING signature } } }; the answer base64 of a PKCS#7 SignedData over that signature value
     * ({@code openssl cms -sign}, with signingTime and messageDigest attributes).
     */
    static LocalTsa authenticode(Path dir, String tsa) throws IOException {
        return new LocalTsa(request -> {
            byte[] blob = Base64.getMimeDecoder().decode(request), enc = null;
            for (int i = 0; i + 1 < blob.length && enc == null; i++) { // the OCTET STRING that ends the request
                if (blob[i] != 4) continue;
                int l = blob[i + 1] & 0xFF, h = 2;
                if (l >= 0x80) {
                    int n = l & 0x7F;
                    l = 0;
                    for (int k = 0; k < n && i + 2 + k < blob.length; k++) l = l << 8 | (blob[i + 2 + k] & 0xFF);
                    h = 2 + n;
                }
                if (i + h + l == blob.length) enc = Arrays.copyOfRange(blob, i + h, blob.length);
            }
            Files.write(dir.resolve("enc.bin"), enc);
            must(dir, "openssl", "cms", "-sign", "-binary", "-in", "enc.bin", "-signer", tsa + ".pem", "-inkey", tsa + ".key", "-md", "sha256",
                    "-outform", "DER", "-nosmimecap", "-nodetach", "-out", "resp.der");
            return Base64.getEncoder().encode(Files.readAllBytes(dir.resolve("resp.der")));
        }, "application/octet-stream");
    }

    /** RFC 3161: {@code openssl ts -reply} to the query; the reply is kept as resp.tsr. */
    static LocalTsa rfc3161(Path dir, String tsa) throws IOException {
        Files.writeString(dir.resolve("ts.cnf"), "[tsa]\ndefault_tsa = t\n[t]\nserial = ./tsaserial\ndefault_policy = 1.2.3.4.1\n"
                + "digests = sha1, sha256, sha384, sha512\naccuracy = secs:1\ness_cert_id_alg = sha256\nsigner_digest = sha256\n");
        Files.writeString(dir.resolve("tsaserial"), "01\n");
        return new LocalTsa(request -> {
            Files.write(dir.resolve("req.tsq"), request);
            must(dir, "openssl", "ts", "-reply", "-queryfile", "req.tsq", "-signer", tsa + ".pem", "-inkey", tsa + ".key", "-config", "ts.cnf",
                    "-out", "resp.tsr");
            return Files.readAllBytes(dir.resolve("resp.tsr"));
        }, "application/timestamp-reply");
    }

    /**
     * Replaces {@code len} bytes at {@code at} of a signed PE (one DER element inside its signature) with {@code
     * with}, fixing the length of every enclosing element (long forms with room assumed), the WIN_CERTIFICATE
     * length and the security directory size.
     */
    static byte[] splice(byte[] file, int at, int len, byte[] with) {
        int delta = with.length - len;
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int pe = b.getInt(0x3C), dirs = pe + 24 + (b.getShort(pe + 24) == 0x20b ? 112 : 96);
        int base = b.getInt(dirs + 32); // the certificate table: WIN_CERTIFICATE header, then the signature
        byte[] out = new byte[file.length + delta + 8];
        System.arraycopy(file, 0, out, 0, at);
        System.arraycopy(with, 0, out, at, with.length);
        System.arraycopy(file, at + len, out, at + with.length, file.length - at - len);
        int p = base + 8;
        while (p < at) {
            int l = out[p + 1] & 0xFF, h = 2, n = 0;
            if (l >= 0x80) {
                n = l & 0x7F;
                l = 0;
                for (int i = 0; i < n; i++) l = l << 8 | (out[p + 2 + i] & 0xFF);
                h = 2 + n;
            }
            if (p + h + l < at + len) { // the spliced element is not inside this one
                p += h + l;
                continue;
            }
            int nl = l + delta;
            if (n < 2 || nl >= 1 << (8 * n)) throw new IllegalStateException("no room for the new length at " + p);
            for (int i = n - 1; i >= 0; i--, nl >>= 8) out[p + 2 + i] = (byte) nl;
            if (p + h == at) break;
            p += h; // into it
        }
        int total = b.getInt(base) + delta, padded = (total + 7) & ~7;
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        o.putInt(base, total);
        o.putInt(dirs + 36, padded);
        return Arrays.copyOf(out, base + padded);
    }
}
