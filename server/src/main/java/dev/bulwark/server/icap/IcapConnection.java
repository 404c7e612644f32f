package dev.bulwark.server.icap;

import dev.bulwark.server.Linger;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.server.ScanService;
import dev.bulwark.server.Spool;
import dev.bulwark.server.Watchdog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One ICAP client connection: reads requests (head, encapsulated HTTP headers, chunked body with
 * preview), scans the body as it streams into a {@link Spool}, and answers 204 / 200-echo / 200 with a
 * block page. Persistent until {@code Connection: close}, an error, or the idle timeout.
 */
final class IcapConnection implements Watchdog.Guarded {
    /** Bound on the ICAP head and on the encapsulated HTTP headers. */
    static final int MAX_HEAD = 64 * 1024;
    /** Preview size offered in OPTIONS: enough for the magic bytes of any format. */
    static final int PREVIEW = 1024;
    /** Requests served on one connection before we close it (keeps one client from pinning a thread). */
    static final int MAX_REQUESTS_PER_CONNECTION = 10_000;
    private static final int READ_BUFFER = 64 * 1024;
    private static final long NANOS_PER_SEC = 1_000_000_000L;

    private final SocketChannel ch;
    private final IcapServer server;
    private final ScanService service;
    private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER).flip();
    private volatile long deadline;

    IcapConnection(SocketChannel ch, IcapServer server) {
        this.ch = ch;
        this.server = server;
        this.service = server.service();
    }

    @Override
    public long deadlineNanos() { return deadline; }

    @Override
    public void expire() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    void run() {
        server.watchdog().add(this);
        try {
            for (int n = 0; n < MAX_REQUESTS_PER_CONNECTION; n++) {
                arm(service.config().idleTimeoutSec());
                if (!handleOne()) break;
            }
        } catch (IOException e) {
            // client went away: costs only this connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            linger();
            server.watchdog().remove(this);
            expire();
        }
    }

    /** Serves one request; false when the connection must close. */
    private boolean handleOne() throws IOException, InterruptedException {
        HeadReader head = new HeadReader(MAX_HEAD);
        // skip blank lines between requests
        while (true) {
            if (!in.hasRemaining() && !fill()) return false;
            byte b = in.get(in.position());
            if (b == '\r' || b == '\n') in.get();
            else break;
        }
        while (true) {
            HeadReader.Event ev = head.next(in);
            if (ev == HeadReader.Event.DONE) break;
            if (ev == HeadReader.Event.TOO_LARGE) return error(400, "Bad Request");
            if (!fill()) return false;
        }
        arm(service.config().readTimeoutSec());
        IcapRequest req;
        try {
            req = IcapRequest.parse(head.bytes());
        } catch (IcapRequest.BadRequest e) {
            return error(e.status, e.status == 505 ? "ICAP Version Not Supported" : "Bad Request");
        }
        if (!req.service().equals(service.config().icapService())) return error(404, "ICAP Service Not Found");
        boolean close = "close".equalsIgnoreCase(req.header("connection"));
        switch (req.method()) {
            case "OPTIONS" -> options();
            case "REQMOD", "RESPMOD" -> {
                if (!req.encapsulated().isEmpty() || req.header("encapsulated") != null) {
                    if (!modify(req)) return false;
                } else {
                    return error(400, "Bad Request");
                }
            }
            default -> {
                return error(405, "Method Not Allowed");
            }
        }
        return !close;
    }

    private void options() throws IOException {
        String h = "ICAP/1.0 200 OK\r\n"
                + "Methods: RESPMOD, REQMOD\r\n"
                + "Service: Bulwark antivirus\r\n"
                + "ISTag: " + server.isTag() + "\r\n"
                + "Max-Connections: " + service.config().maxQueue() + "\r\n"
                + "Options-TTL: 300\r\n"
                + "Allow: 204\r\n"
                + "Preview: " + PREVIEW + "\r\n"
                + "Transfer-Preview: *\r\n"
                + "X-Include: X-Client-IP, X-Authenticated-User\r\n"
                + "Date: " + date() + "\r\n"
                + "Encapsulated: null-body=0\r\n\r\n";
        write(h.getBytes(StandardCharsets.ISO_8859_1));
    }

    private boolean modify(IcapRequest req) throws IOException, InterruptedException {
        // the encapsulated HTTP header sections
        int hlen = req.headersLength();
        if (hlen > MAX_HEAD) return error(400, "Bad Request");
        HeadReader hr = new HeadReader(MAX_HEAD);
        hr.expect(hlen);
        while (hlen > 0 && hr.next(in) != HeadReader.Event.DONE) {
            if (!fill()) return false;
        }
        byte[] httpHeaders = hlen > 0 ? hr.bytes() : new byte[0];
        boolean resp = req.method().equals("RESPMOD");
        int reqHdrLen = resp && req.encapsulated().containsKey("res-hdr") ? req.encapsulated().get("res-hdr") : hlen;
        if (reqHdrLen > hlen) return error(400, "Bad Request");

        ScanResult result = null;
        boolean truncated = false;
        boolean continued = false; // the client sent the rest of the body after our 100 Continue
        try (Spool spool = new Spool(service.config().temporaryDirectory())) {
            if (req.bodyOffset() >= 0) {
                ChunkedDecoder dec = new ChunkedDecoder();
                int preview = req.preview();
                long max = service.config().streamMaxLength();
                if (!readChunks(dec, spool, max)) return false;
                if (dec.error() != null) return error(400, "Bad Request");
                truncated = spool.size() >= max && !dec.ieof();
                if (preview >= 0 && !dec.ieof()) {
                    write("ICAP/1.0 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    continued = true;
                    dec.reset();
                    if (!readChunks(dec, spool, max)) return false;
                    if (dec.error() != null) return error(400, "Bad Request");
                }
                truncated |= spool.size() >= max;
                result = service.scanSpool(spool, false, "icap", req.method());
            }
            boolean infected = result != null && result.infected();
            if (infected) {
                blockPage(req, result);
            } else if (result != null && result.status() == ScanResult.Status.ERROR) {
                return error(500, "Server Error");
            } else if (req.allows("204") || (req.preview() >= 0 && !continued)) {
                // RFC 3507 4.6: 204 outside a preview only with "Allow: 204"; an answer to the preview
                // (the whole body came in it, ieof) may always be 204
                write(("ICAP/1.0 204 No Content\r\nISTag: " + server.isTag() + "\r\nDate: " + date()
                        + "\r\nEncapsulated: null-body=0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            } else if (truncated) {
                return error(500, "Server Error"); // cannot echo a body we did not keep whole
            } else {
                echo(req, httpHeaders, reqHdrLen, spool);
            }
        }
        return true;
    }

    /** Reads chunks into the spool up to {@code max} bytes (the rest is read and dropped); false on EOF. */
    private boolean readChunks(ChunkedDecoder dec, Spool spool, long max) throws IOException {
        while (true) {
            ChunkedDecoder.Event ev = dec.next(in);
            switch (ev) {
                case DATA -> {
                    ByteBuffer d = dec.data();
                    long room = max - spool.size();
                    if (room > 0) {
                        if (d.remaining() > room) d.limit(d.position() + (int) room);
                        spool.write(d);
                    }
                    arm(service.config().readTimeoutSec());
                }
                case END, ERROR -> {
                    return true;
                }
                case NEED_MORE -> {
                    if (!fill()) return false;
                }
            }
        }
    }

    private void blockPage(IcapRequest req, ScanResult r) throws IOException {
        String name = headerSafe(r.detections().get(0).name());
        String html = BlockPage.html(name, req.header("x-client-ip"));
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        String http = "HTTP/1.1 403 Forbidden\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        StringBuilder sb = new StringBuilder("ICAP/1.0 200 OK\r\n");
        sb.append("ISTag: ").append(server.isTag()).append("\r\n");
        sb.append("Date: ").append(date()).append("\r\n");
        sb.append("X-Infection-Found: Type=0; Resolution=2; Threat=").append(name).append(";\r\n");
        sb.append("X-Violations-Found: ").append(r.detections().size()).append("\r\n");
        for (var d : r.detections()) {
            sb.append("\t").append(d.path().isEmpty() ? "-" : headerSafe(d.path())).append("\r\n\t").append(headerSafe(d.name()))
                    .append("\r\n\t0\r\n\t2\r\n");
        }
        sb.append("X-Virus-ID: ").append(name).append("\r\n");
        sb.append("X-Response-Info: Blocked\r\n");
        sb.append("Encapsulated: res-hdr=0, res-body=").append(http.length()).append("\r\n\r\n");
        sb.append(http);
        sb.append(Integer.toHexString(body.length)).append("\r\n");
        write(sb.toString().getBytes(StandardCharsets.UTF_8));
        write(body);
        write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** 200 with the original message, unmodified (the client did not allow 204). */
    private void echo(IcapRequest req, byte[] httpHeaders, int reqHdrLen, Spool spool) throws IOException {
        boolean resp = req.method().equals("RESPMOD");
        byte[] hdr = resp ? java.util.Arrays.copyOfRange(httpHeaders, reqHdrLen, httpHeaders.length) : httpHeaders;
        String section = resp ? "res" : "req";
        boolean hasBody = req.bodyOffset() >= 0;
        String enc = hdr.length > 0
                ? section + "-hdr=0, " + (hasBody ? section + "-body=" : "null-body=") + hdr.length
                : (hasBody ? section + "-body=0" : "null-body=0");
        write(("ICAP/1.0 200 OK\r\nISTag: " + server.isTag() + "\r\nDate: " + date() + "\r\nEncapsulated: " + enc
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        write(hdr);
        if (!hasBody) return;
        try (InputStream body = spool.inMemory() ? new java.io.ByteArrayInputStream(toArray(spool.memory()))
                : Files.newInputStream(spool.file())) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = body.read(buf)) > 0) {
                write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                write(java.util.Arrays.copyOf(buf, n));
                write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private boolean error(int status, String reason) throws IOException {
        service.metrics().protocolErrors.increment();
        write(("ICAP/1.0 " + status + " " + reason + "\r\nISTag: " + server.isTag() + "\r\nDate: " + date()
                + "\r\nConnection: close\r\nEncapsulated: null-body=0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return false;
    }

    private boolean fill() throws IOException {
        in.compact();
        int n;
        try {
            n = ch.read(in);
        } finally {
            in.flip();
        }
        return n > 0;
    }

    private void write(byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        long saved = deadline;
        arm(SEND_TIMEOUT_SEC);
        while (buf.hasRemaining()) ch.write(buf);
        deadline = saved;
    }

    /** A reply the client does not read within this long drops the connection. */
    private static final long SEND_TIMEOUT_SEC = 30;

    /** Stops writing, then drops what the client still sends (bounded), so it reads our last reply. */
    private void linger() {
        try {
            ch.shutdownOutput();
            arm(Linger.SECONDS); // the watchdog closes the channel when the time is up, ending the read
            Linger.drain(ch::read, () -> false);
        } catch (IOException e) {
            // already closed by the client or the watchdog
        }
    }

    private void arm(long seconds) {
        deadline = seconds <= 0 ? 0 : System.nanoTime() + seconds * NANOS_PER_SEC;
        server.watchdog().add(this);
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    /** Header values never carry CR, LF or other controls, whatever a signature name or member path holds. */
    static String headerSafe(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }

    private static String date() {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(java.time.ZoneOffset.UTC));
    }

}
