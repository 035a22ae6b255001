package dev.sandgate.testkit.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Map;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hand-written SFTP version 3 server for one channel, misbehaving as its {@link HostilePlan} says: one thread reads
 * requests whole (each at most {@link #MAX_REQUEST_LENGTH} bytes, a longer one ends the channel) and answers them in
 * order, or stays silent, or lies about lengths. The thread ends when the client closes the channel or the SSH server
 * stops.
 */
final class HostileSftpSubsystem implements Command, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(HostileSftpSubsystem.class);

    /** The longest request read from a client: 4 MiB of WRITE data, more than any real client sends at once. */
    static final int MAX_REQUEST_LENGTH = (4 << 20) + 1024;
    private static final int INIT = 1;
    private static final int VERSION = 2;

    private final HostilePlan plan;
    private final String threadName;
    private final SftpHandles handles = new SftpHandles();
    private final SftpOperations operations;
    private InputStream in;
    private OutputStream out;
    private ExitCallback exit;
    private volatile Thread thread;
    private volatile boolean destroyed;

    HostileSftpSubsystem(HostilePlan plan, String threadName) {
        this.plan = plan;
        this.threadName = threadName;
        this.operations = new SftpOperations(plan, handles);
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        // SFTP writes nothing to stderr
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        Thread serving = new Thread(this, threadName);
        serving.setDaemon(true);
        thread = serving;
        serving.start();
    }

    @Override
    public void run() {
        String ending = "the client closed the channel";
        try {
            byte[] request;
            while ((request = nextRequest()) != null) {
                answer(request);
            }
        } catch (InterruptedIOException | EOFException e) {
            ending = "the channel was cut";
        } catch (IOException e) {
            ending = destroyed ? "the channel closed" : e.getMessage();
        } finally {
            handles.close();
            LOG.debug("Hostile SFTP server {} ends: {}", threadName, ending);
            if (!destroyed) {
                exit.onExit(0, Visible.of(String.valueOf(ending)));
            }
        }
    }

    /** The next request without its length field, or null at the end of the channel. */
    private byte[] nextRequest() throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            return null;
        }
        long length = ((header[0] & 0xffL) << 24) | ((header[1] & 0xffL) << 16) | ((header[2] & 0xffL) << 8)
                | (header[3] & 0xffL);
        if (length < 1 || length > MAX_REQUEST_LENGTH) {
            throw new IOException("a request claims " + length + " bytes; at most " + MAX_REQUEST_LENGTH + " are read");
        }
        byte[] request = in.readNBytes((int) length);
        if (request.length < length) {
            throw new EOFException("the channel ended inside a request");
        }
        return request;
    }

    private void answer(byte[] bytes) throws IOException {
        SftpPacketReader request = new SftpPacketReader(bytes);
        long id = 0;
        try {
            int type = request.readByte();
            if (type == INIT) {
                if (plan.hit(SftpFaultRule.Kind.UNANSWERED, INIT, null) == null) {
                    send(type, null, version());
                }
                return;
            }
            id = request.readUint32();
            String path = operations.pathOf(type, new SftpPacketReader(java.util.Arrays.copyOfRange(bytes, 5,
                    bytes.length)));
            if (plan.hit(SftpFaultRule.Kind.UNANSWERED, type, path) != null) {
                return;
            }
            send(type, path, operations.answer(type, id, request));
        } catch (SftpPacketReader.Malformed malformed) {
            SftpOperations.status(id, SftpOperations.FX_BAD_MESSAGE, malformed.getMessage()).writeTo(out);
        }
    }

    private void send(int type, String path, SftpPacketWriter reply) throws IOException {
        SftpFaultRule lie = plan.hit(SftpFaultRule.Kind.LYING_PACKET_LENGTH, type, path);
        if (lie != null) {
            reply.writeTo(out, lie.length);
        } else {
            reply.writeTo(out);
        }
    }

    private SftpPacketWriter version() {
        SftpPacketWriter reply = new SftpPacketWriter(VERSION, 256).writeUint32(3);
        for (Map.Entry<String, byte[]> extension : plan.extensions().entrySet()) {
            reply.writeString(extension.getKey());
            reply.writeBytes(extension.getValue(), 0, extension.getValue().length);
        }
        return reply;
    }

    @Override
    public void destroy(ChannelSession channel) throws Exception {
        destroyed = true;
        Thread serving = thread;
        if (serving != null) {
            serving.interrupt();
            in.close();
            serving.join(5_000);
        }
    }
}
