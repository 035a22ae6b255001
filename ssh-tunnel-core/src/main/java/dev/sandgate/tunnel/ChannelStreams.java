package dev.sandgate.tunnel;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.function.Supplier;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.session.Session;

import dev.sandgate.tunnel.internal.ConnectionRecord;

/**
 * What ended a channel's stream, decided from what happened rather than from MINA's messages: the far side's end of
 * file ({@link Channel#isEofSignalled()}), or the SSH session closing under the channel first (a loss). Its input
 * streams end with {@link ConnectionLostException} after a loss, with a clean end of file otherwise, and act on a
 * reader's interrupt (stopping the command, closing the channel) before they throw {@link InterruptedIOException}.
 */
final class ChannelStreams {
    private final Channel channel;
    private final Session session;
    private final ConnectionRecord record;
    private final Supplier<String> description;
    private final Runnable onInterrupt;
    private volatile Boolean lostAtClose;

    /**
     * @param onInterrupt what a reader's interrupt does to the channel (it must not block: the reader is to return
     *        at once)
     */
    ChannelStreams(Channel channel, ConnectionRecord record, Supplier<String> description, Runnable onInterrupt) {
        this.channel = channel;
        this.session = channel.getSession();
        this.record = record;
        this.description = description;
        this.onInterrupt = onInterrupt;
        channel.addCloseFutureListener(closed -> lostAtClose = lostNow());
    }

    /** Whether the connection ended before the far side's end of file: for a closed channel, as it was then. */
    boolean lost() {
        Boolean atClose = lostAtClose;
        return atClose != null ? atClose : !channel.isOpen() && lostNow();
    }

    private boolean lostNow() {
        return !channel.isEofSignalled() && !session.isOpen();
    }

    /** {@code in}, ending in {@link ConnectionLostException} after a loss, and stopping on an interrupt. */
    InputStream input(InputStream in, String what) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return ended(super.read());
                } catch (InterruptedIOException e) {
                    throw interrupted(e, what);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return ended(in.read(b, off, len));
                } catch (InterruptedIOException e) {
                    throw interrupted(e, what);
                }
            }

            private int ended(int read) throws ConnectionLostException {
                if (read == -1 && lostNow()) {
                    throw new ConnectionLostException("The connection of " + what + " was lost before its end ("
                            + description.get() + ")", SshFailures.lost(description.get(), record, false, null));
                }
                return read;
            }
        };
    }

    private InterruptedIOException interrupted(InterruptedIOException e, String what) {
        if (e instanceof java.net.SocketTimeoutException) {
            return e;
        }
        onInterrupt.run();
        Thread.currentThread().interrupt();
        InterruptedIOException stopped = new InterruptedIOException("Interrupted while reading " + what
                + "; it was stopped");
        stopped.initCause(e);
        return stopped;
    }
}
