package dev.bulwark.server.clamd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A client connection over a {@link SocketChannel} (TCP, and UNIX sockets where descriptors cannot pass). */
final class NioClientChannel implements ClientChannel {
    private final SocketChannel channel;

    NioClientChannel(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) channel.write(src);
    }

    @Override
    public void shutdownInput() throws IOException {
        channel.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void abort() {
        try {
            channel.close(); // a channel closed by another thread wakes its blocked reader and writer
        } catch (IOException ignored) {
            // closed anyway
        }
    }

    @Override
    public String streamName() {
        try {
            if (channel.getRemoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() instanceof java.net.Inet4Address v4) {
                return "instream(" + v4.getHostAddress() + "@" + a.getPort() + ")";
            }
        } catch (IOException e) {
            // closed: clamd falls back to the same name when getpeername fails
        }
        return "instream(local)";
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
