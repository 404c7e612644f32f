package dev.bulwark.server.clamd;

import dev.bulwark.server.Linger;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.server.ScanService;
import dev.bulwark.server.Spool;
import dev.bulwark.server.Watchdog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * One clamd client connection: drives {@link ClamdDecoder} over a blocking channel on its own virtual
 * thread, executes commands, and writes clamd's exact replies. Outside IDSESSION a connection carries one
 * command; inside, replies are prefixed with the request number.
 */
final class ClamdSession implements Runnable, Watchdog.Guarded {
    /** Commands clamd accepts inside IDSESSION. */
    private static final Set<ClamdCommand> IN_SESSION = EnumSet.of(ClamdCommand.SCAN, ClamdCommand.INSTREAM,
            ClamdCommand.FILDES, ClamdCommand.VERSION, ClamdCommand.VERSIONCOMMANDS, ClamdCommand.PING,
            ClamdCommand.STATS, ClamdCommand.END);
    /** Read buffer; INSTREAM chunks are passed through in slices of at most this. */
    private static final int READ_BUFFER = 16 * 1024;
    private static final long NANOS_PER_SEC = 1_000_000_000L;
    /** A reply the client does not read within this long drops the connection (clamd: SendBufTimeout per poll). */
    private static final long SEND_TIMEOUT_SEC = 10;

    private enum Phase { READ_COMMAND, READ_STREAM, WRITE, WORK }

    private final ClientChannel channel;
    private final ClamdServer server;
    private final ScanService service;
    private final ClamdDecoder decoder = new ClamdDecoder();
    /** Unread input; replaced by a larger one only when an {@code n} command's tail does not fit in front of it. */
    private ByteBuffer in = ByteBuffer.allocate(READ_BUFFER).flip();
    /**
     * A command was taken from the input since the last read. clamd starts an old-style (unprefixed)
     * command only at the start of its buffer: one that follows another command in the same packet
     * waits for the next packet, and then runs up to its newline or the end of that packet.
     */
    private boolean commandSinceRead;
    private volatile long deadline;
    private volatile Phase phase = Phase.READ_COMMAND;
    private volatile boolean timedOut;
    private boolean session;
    private int id;              // request number inside IDSESSION (0 outside)
    private byte term = '\n';
    private boolean anyCommand;  // before the first command clamd answers with a NUL terminator
    private boolean awaitingFdByte; // FILDES read, the byte carrying the descriptor not yet (MODE_WAITANCILL)
    private Spool spool;
    private boolean open = true;

    ClamdSession(ClientChannel channel, ClamdServer server) {
        this.channel = channel;
        this.server = server;
        this.service = server.service();
    }

    @Override
    public long deadlineNanos() { return deadline; }

    @Override
    public void expire() {
        timedOut = true;
        try {
            if (phase == Phase.WRITE) channel.abort(); // client not reading: drop it
            else channel.shutdownInput();              // wakes the blocked read, which then sees EOF
        } catch (IOException e) {
            channel.abort();
        }
    }

    @Override
    public void run() {
        server.watchdog().add(this);
        arm(Phase.READ_COMMAND, service.config().commandReadTimeoutSec());
        try {
            loop();
        } catch (IOException e) {
            // client went away or misbehaved: it costs only this connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.watchdog().remove(this);
            if (spool != null) {
                try {
                    spool.close();
                } catch (IOException ignored) {
                    // temporary file already gone
                }
            }
            closeQuietly();
            server.connectionClosed();
        }
    }

    private void loop() throws IOException, InterruptedException {
        while (open) {
            if (commandSinceRead && decoder.idle() && in.hasRemaining() && in.get(in.position()) != 'z'
                    && in.get(in.position()) != 'n') {
                if (!read()) return; // clamd leaves it in its buffer until more data arrives
                continue;
            }
            ClamdDecoder.Event ev = decoder.next(in);
            if (ev == ClamdDecoder.Event.NEED_MORE && decoder.inOldStyleLine()) {
                ev = decoder.endOfPacket(); // old style: the packet is the command ("PING" without newline)
            }
            if (ev == ClamdDecoder.Event.NEED_MORE) {
                if (!read()) return;
                continue;
            }
            switch (ev) {
                case COMMAND -> {
                    replayCommandTail();
                    if (decoder.prefix() == 0 && !decoder.endedByNewline() && decoder.rawLength() >= ClamdDecoder.MAX_LINE) {
                        // an old-style command that filled clamd's buffer took all it had read: the rest is still
                        // in the socket, never read, so it is no garbage after the command (no error line)
                        in.position(in.limit());
                    }
                    commandSinceRead = true;
                    command(decoder.command(), decoder.prefix());
                }
                case CHUNK -> {
                    spool.write(decoder.chunk());
                    arm(Phase.READ_STREAM, service.config().readTimeoutSec()); // data keeps a stream alive
                }
                case STREAM_END -> {
                    commandSinceRead = false; // clamd parses what follows a stream from the start of its buffer
                    streamEnd();
                }
                case STREAM_TOO_LARGE -> {
                    server.metrics().protocolErrors.increment();
                    replyRaw(prefixId() + "INSTREAM size limit exceeded. ERROR");
                    linger();
                    return;
                }
                case LINE_TOO_LONG -> {
                    server.metrics().protocolErrors.increment();
                    return; // clamd drops a connection whose command overflows its buffer, without a reply
                }
                case NEED_MORE -> { }
            }
        }
    }

    /** Reads more input; false on EOF. A read timeout answers as clamd and ends the connection. */
    private boolean read() throws IOException {
        if (unclaimedDescriptor()) return false;
        in.compact();
        commandSinceRead = false;
        int n;
        try {
            n = channel.read(in);
        } finally {
            in.flip();
        }
        if (phase == Phase.READ_STREAM && n > 0 && unclaimedDescriptor()) return false;
        if (timedOut) {
            arm(Phase.WRITE, 0);
            writeBytes("COMMAND READ TIMED OUT\n".getBytes(StandardCharsets.US_ASCII));
            open = false;
            return false;
        }
        return n >= 0;
    }

    /**
     * Puts back in front of the unread input the bytes an {@code n} command ended early by a NUL or CR
     * hands back (see {@link ClamdDecoder#replayLength()}): clamd reads them as what came next.
     */
    private void replayCommandTail() {
        int n = decoder.replayLength();
        if (n == 0) return;
        int rest = in.remaining();
        if (in.position() < n) {
            // the command began in an earlier read: make room in front (rarely: a larger buffer)
            ByteBuffer to = n + rest <= in.capacity() ? in : ByteBuffer.allocate(n + rest);
            System.arraycopy(in.array(), in.position(), to.array(), n, rest);
            in = to;
            in.limit(n + rest).position(n);
        }
        in.position(in.position() - n);
        System.arraycopy(decoder.replayBytes(), 0, in.array(), in.position(), n);
    }

    private void command(String text, byte prefix) throws IOException, InterruptedException {
        if (session && prefix == 0) {
            // answered with the terminator of the session's last command, then clamd's generic error line
            replyRaw(prefixId() + "Only nCMDS\\n and zCMDS\\0 are accepted inside IDSESSION. ERROR");
            replyRaw(prefixId() + "Error processing command. ERROR");
            linger(); // what the client sent after it is drained, not answered with a reset that could eat the reply
            return;
        }
        term = decoder.terminator();
        anyCommand = true;
        ClamdCommand.Parsed p = ClamdCommand.parse(text, prefix == 0);
        if (session && !IN_SESSION.contains(p.command())) {
            replyRaw(prefixId() + "Command invalid inside IDSESSION. ERROR");
            linger();
            return;
        }
        if (p.command() == ClamdCommand.UNKNOWN) server.metrics().protocolErrors.increment();
        boolean keep = session;
        switch (p.command()) {
            case PING -> replyRaw(prefixId() + "PONG");
            case VERSION -> replyRaw(prefixId() + server.version());
            case VERSIONCOMMANDS -> replyRaw(prefixId() + server.version() + "| COMMANDS:" + ClamdCommand.COMMAND_LIST);
            case RELOAD -> {
                replyRaw("RELOADING");
                server.requestReload();
            }
            case SHUTDOWN, QUIT -> {
                open = false;
                server.requestShutdown();
            }
            case DETSTATS, DETSTATSCLEAR -> { } // removed features: accepted, no reply
            case END -> {
                if (!session) replyRaw("UNKNOWN COMMAND");
                keep = false;
            }
            case IDSESSION -> {
                session = true;
                keep = true;
            }
            case INSTREAM -> {
                spool = new Spool(service.config().temporaryDirectory());
                decoder.startStream(service.config().streamMaxLength());
                arm(Phase.READ_STREAM, service.config().readTimeoutSec());
                return; // the request number advances when the stream ends
            }
            case FILDES -> {
                if (!fildes(prefix)) {
                    open = false;
                    return;
                }
            }
            case STATS -> {
                garbageCheck();
                replyRaw(prefixId() + ClamdStats.render(service, term));
            }
            case SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN -> {
                garbageCheck();
                arm(Phase.WORK, 0);
                String shown = prefixId();
                new PathScan(service, server.policy(), p.command(),
                        (path, status) -> replyRaw(shown + path + ": " + status)).run(p.argument());
            }
            case UNKNOWN -> {
                replyRaw(prefixId() + "UNKNOWN COMMAND");
                keep = false;
            }
        }
        if (!keep) {
            open = false;
            return;
        }
        if (session && p.command() != ClamdCommand.IDSESSION) id++;
        if (p.command() == ClamdCommand.IDSESSION) id = 1;
        arm(Phase.READ_COMMAND, service.config().readTimeoutSec());
    }

    /**
     * FILDES: the descriptor rides on one byte sent after the command; wait for that byte (clamd's
     * MODE_WAITANCILL), eat it, then scan what it carried. False when the connection must end.
     */
    private boolean fildes(byte prefix) throws IOException, InterruptedException {
        awaitingFdByte = true;
        try {
            if (prefix == 0) {
                if (!oldStyleFildes()) return false;
            } else {
                if (!in.hasRemaining() && !read()) return false;
                if (in.hasRemaining()) in.get();
            }
        } finally {
            awaitingFdByte = false;
        }
        if (!ClamdServer.fdPassing()) {
            // no descriptor passing in this runtime: answer as a clamd built without it. The byte was read,
            // so the kernel dropped the descriptor and the client's sendmsg did not fail before the reply.
            replyRaw(prefixId() + "FILDES support not compiled in. ERROR");
            return true;
        }
        PassedFile f = channel.takeDescriptor();
        if (f == null) {
            replyRaw(prefixId() + "No file descriptor received. ERROR");
            return false;
        }
        try (f) {
            garbageCheck();
            arm(Phase.WORK, 0);
            String name = "fd[" + f.number() + "]";
            String shown = prefixId() + name + ": ";
            if (!f.regular()) {
                replyRaw(shown + "Not a regular file ERROR");
                return true;
            }
            ScanResult r = FildesScan.scan(service, f);
            switch (r.status()) {
                case INFECTED -> replyRaw(shown + r.detections().get(0).name() + " FOUND");
                case ERROR -> replyRaw(shown + (r.error() == null ? "Scan error" : r.error()) + " ERROR");
                default -> replyRaw(shown + "OK");
            }
        }
        return true;
    }

    /** clamd's command buffer must hold this many bytes before an old-style FILDES runs: the command, a
     * terminator and the byte carrying the descriptor ({@code FILDES\n} alone is not enough). */
    private static final int OLD_FILDES_BYTES = 8;

    /**
     * Old-style FILDES (no z/n prefix), as clamd's buffer handling has it: the command runs only once its
     * buffer holds {@link #OLD_FILDES_BYTES} bytes, with the descriptor that came with the last packet;
     * while it waits, a descriptor is unclaimed (protocol error, NUL-terminated as nothing was answered
     * yet), and bytes that arrive before a newline extend the command (then {@code UNKNOWN COMMAND}).
     * So {@code FILDES\n} then the byte works, {@code FILDES} then one byte does not, {@code FILDES\r\n}
     * runs at once without a descriptor. True when the descriptor byte is consumed and the scan may go on.
     */
    private boolean oldStyleFildes() throws IOException {
        boolean newline = decoder.endedByNewline();
        int raw = decoder.rawLength();
        byte[] head = new byte[OLD_FILDES_BYTES];
        for (int i = 0; i < Math.min(raw, head.length) && !newline; i++) head[i] = decoder.rawByte(i);
        term = 0; // clamd answers with its buffer's initial terminator until the command runs
        while (raw + in.remaining() < OLD_FILDES_BYTES) {
            int before = in.remaining();
            if (!read()) return false; // answers an unclaimed descriptor (it came with an incomplete command)
            if (newline) continue;
            for (int i = before; i < in.remaining() && raw + i < head.length; i++) head[raw + i] = in.get(in.position() + i);
            if (!cString(head, Math.min(raw + in.remaining(), head.length)).equals("FILDES")) {
                term = '\n';
                replyRaw("UNKNOWN COMMAND"); // clamd then closes the socket: its protocol error is never seen
                return false;
            }
        }
        term = '\n';
        if (newline) {
            if (in.hasRemaining()) in.get(); // the byte after the newline carries the descriptor
        } else {
            in.position(in.limit()); // without a newline the whole buffer was the command
        }
        return true;
    }

    /** Bytes as clamd reads an old-style command: up to the first NUL or newline, trailing CR/LF removed. */
    private static String cString(byte[] b, int n) {
        int len = 0;
        while (len < n && b[len] != 0 && b[len] != '\n') len++;
        while (len > 0 && b[len - 1] == '\r') len--;
        return new String(b, 0, len, StandardCharsets.ISO_8859_1);
    }

    /**
     * A descriptor that arrived with bytes other than the one after FILDES: clamd closes it, answers a
     * protocol error and ends the connection. Between commands it checks when the commands received so
     * far are done (here: before the next read); a descriptor riding on INSTREAM data is caught as it
     * arrives. While a stream or the byte after FILDES is awaited, clamd adds its generic error line.
     * The connection then lingers: a byte the client sends after the descriptor, still unread when we
     * close, would otherwise make the kernel reset the connection and the client lose the reply (seen
     * when the daemon answers more slowly than the client's next send, on a loaded machine).
     */
    private boolean unclaimedDescriptor() throws IOException {
        PassedFile f = channel.takeDescriptor();
        if (f == null) return false;
        f.close();
        server.metrics().protocolErrors.increment();
        if (!anyCommand) term = 0;
        replyRaw(prefixId() + "PROTOCOL ERROR: ancillary data sent without FILDES. ERROR");
        if (phase == Phase.READ_STREAM || awaitingFdByte) replyRaw("Error processing command. ERROR");
        linger(); // the client may still be sending (the byte after FILDES): no reset over the reply
        return true;
    }

    private void streamEnd() throws IOException, InterruptedException {
        // no garbage check: outside IDSESSION clamd stops reading the socket once the stream ends
        arm(Phase.WORK, 0);
        int myId = session ? id : 0;
        ScanResult r;
        try (Spool s = spool) {
            spool = null;
            r = service.scanSpool(s, false, "clamd", "INSTREAM", channel.streamName());
        }
        String pre = myId > 0 ? myId + ": " : "";
        switch (r.status()) {
            case INFECTED -> replyRaw(pre + "stream: " + r.detections().get(0).name() + " FOUND");
            case ERROR -> replyRaw(pre + "stream: " + r.error() + " ERROR");
            default -> replyRaw(pre + "stream: OK");
        }
        if (!session) {
            open = false;
        } else {
            id++;
            arm(Phase.READ_COMMAND, service.config().readTimeoutSec());
        }
    }

    /**
     * Ends a connection whose client is still sending: closes our side for writing, then reads and drops
     * what is in flight for a bounded time, so the kernel does not answer with a reset that would make
     * the client lose the error reply.
     */
    private void linger() {
        try {
            channel.shutdownOutput();
            arm(Phase.READ_STREAM, Linger.SECONDS);
            Linger.drain(channel::read, () -> timedOut);
        } catch (IOException e) {
            // the client gave up first
        }
        open = false;
    }

    /** Outside IDSESSION, bytes already sent after the command are a protocol error (clamd's reply). */
    private void garbageCheck() throws IOException {
        if (!session && in.hasRemaining()) {
            server.metrics().protocolErrors.increment();
            replyRaw("Error processing command. ERROR");
        }
    }

    private String prefixId() {
        return session && id > 0 ? id + ": " : "";
    }

    private synchronized void replyRaw(String s) throws IOException {
        byte[] body = dev.bulwark.engine.RawNames.bytes(s); // a name that is not UTF-8 echoed byte for byte, as clamd

        byte[] msg = new byte[body.length + 1];
        System.arraycopy(body, 0, msg, 0, body.length);
        msg[body.length] = term;
        Phase before = phase;
        long d = deadline;
        arm(Phase.WRITE, SEND_TIMEOUT_SEC);
        writeBytes(msg);
        phase = before;
        deadline = d;
    }

    private void writeBytes(byte[] b) throws IOException {
        channel.write(ByteBuffer.wrap(b));
    }

    private void arm(Phase p, long seconds) {
        phase = p;
        deadline = seconds <= 0 ? 0 : System.nanoTime() + seconds * NANOS_PER_SEC;
        if (seconds > 0) server.watchdog().add(this);
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
