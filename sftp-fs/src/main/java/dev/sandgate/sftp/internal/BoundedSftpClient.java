package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpMessage;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.apache.sshd.sftp.client.impl.DefaultSftpClient;

/**
 * MINA's SFTP client with a deadline on every answer. MINA waits for a reply as long as the session's idle timeout,
 * and an SSH server that answers keepalives is never idle, so a server that never answers a request would hold its
 * caller forever. Here each wait ends after the request timeout; the reply, should it come later, is dropped as it
 * arrives: MINA forgets a request whose wait ended, and a reply to a request it does not know would close the session.
 *
 * <p>An interrupt ends a wait at once (MINA throws an {@link InterruptedIOException} and clears the flag): the flag is
 * set again, the request's reply is abandoned like a late one, and the channel stays open for the other threads. A
 * request whose sending was interrupted is still sent whole (MINA queued it before waiting), never half of it.
 */
final class BoundedSftpClient extends DefaultSftpClient {
    /** Null only while MINA's constructor runs (it waits for the version answer with its own open timeout). */
    private final Duration requestTimeout;
    private final Queue<Integer> abandoned = new ConcurrentLinkedQueue<>();
    /**
     * Requests whose wait MINA ended (a timeout or an interrupt) and whose reply it no longer expects: MINA forgets the
     * request then, and a reply to a request it does not know closes the whole session. Such replies are dropped here.
     * Null only while MINA's constructor runs.
     */
    private final Set<Integer> orphans = ConcurrentHashMap.newKeySet();
    private final ReentrantLock sending = new ReentrantLock();
    /** The last request handed to MINA, guarded by {@link #sending}. */
    private SftpMessage lastSent;
    /** Requests a caller waits for now; MINA may give up on one at any moment. Null while MINA's constructor runs. */
    private final Set<Integer> waiting = ConcurrentHashMap.newKeySet();

    BoundedSftpClient(ClientSession session, SftpVersionSelector versions, Duration requestTimeout)
            throws IOException {
        super(session, versions, null);
        this.requestTimeout = requestTimeout;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    @Override
    public int send(int cmd, Buffer buffer) throws IOException {
        if (!abandoned.isEmpty()) {
            dropAbandonedReplies();
        }
        SftpMessage message;
        try {
            sending.lockInterruptibly();
        } catch (InterruptedException e) {
            throw interrupted(new InterruptedIOException("interrupted before sending an SFTP request"));
        }
        try {
            // MINA's write() waits for the previous request to be sent after it forgot it: an interrupt there lets the
            // next write start while one is pending, which fails every later request. So that wait is done here first.
            if (lastSent != null) {
                lastSent.waitUntilSent();
            }
            message = write(cmd, buffer);
            lastSent = message;
        } catch (InterruptedIOException e) {
            throw interrupted(e);
        } finally {
            sending.unlock();
        }
        try {
            message.waitUntilSent();
        } catch (InterruptedIOException e) {
            abandon(message.getId()); // it goes out whole all the same; its reply is dropped when it comes
            throw interrupted(e);
        }
        return message.getId();
    }

    /** MINA's interrupted wait cleared the thread's flag: it is set again, for the caller's caller to see. */
    private static InterruptedIOException interrupted(InterruptedIOException e) {
        Thread.currentThread().interrupt();
        return e;
    }

    /** Waits for the reply to request {@code id} no longer than the request timeout. */
    @Override
    public Buffer receive(int id) throws IOException {
        if (requestTimeout == null) {
            try {
                return super.receive(id);
            } catch (InterruptedIOException e) {
                throw interrupted(e);
            }
        }
        Buffer reply = null;
        waiting.add(id);
        try {
            reply = super.receive(id, requestTimeout);
        } catch (InterruptedIOException e) {
            throw interrupted(e);
        } finally {
            if (reply == null) {
                orphans.add(id); // MINA forgot the request: a reply that comes now is late, and dropped
            }
            waiting.remove(id); // only after: until then a reply MINA no longer expects is known to be late too
        }
        if (reply == null) {
            if (!isOpen() || isClosing()) {
                // MINA answers a wait on a channel that closed meanwhile with no reply, as it answers a timeout
                throw new ChannelEnded();
            }
            throw new RequestTimedOut(requestTimeout);
        }
        return reply;
    }

    /** A reply to a request whose wait ended unanswered is dropped; every other goes to MINA. */
    @Override
    protected void process(Buffer incoming) throws IOException {
        if (orphans == null || incoming.available() < 9) {
            super.process(incoming);
            return;
        }
        int start = incoming.rpos();
        incoming.getInt(); // length
        incoming.getUByte(); // type
        int id = incoming.getInt();
        incoming.rpos(start);
        if (orphans.remove(id)) {
            return;
        }
        try {
            super.process(incoming);
        } catch (IOException e) {
            // MINA gave up on this request while we were still marking it: a late reply, not a broken channel
            if (!waiting.contains(id) && !orphans.remove(id)) {
                throw e;
            }
        }
    }

    /** Nobody will wait for the reply to {@code id}: it is dropped when it arrives. */
    void abandon(int id) {
        abandoned.add(id);
        dropAbandonedReplies();
    }

    /** Takes (and drops) the replies to abandoned requests that have arrived. */
    private void dropAbandonedReplies() {
        try {
            for (Iterator<Integer> ids = abandoned.iterator(); ids.hasNext(); ) {
                if (super.receive(ids.next(), Duration.ZERO) != null) {
                    ids.remove();
                }
            }
        } catch (IOException e) {
            // the channel is gone: no reply will come, and the next real request reports the loss
            abandoned.clear();
        }
    }

    /** The channel closed (with its connection, as a rule) before the reply came; becomes a loss. */
    static final class ChannelEnded extends IOException {
        private static final long serialVersionUID = 1L;

        ChannelEnded() {
            super("the SFTP channel closed before the reply came");
        }
    }

    /** No answer within the request timeout; becomes an {@link dev.sandgate.sftp.SftpTimeoutException}. */
    static final class RequestTimedOut extends IOException {
        private static final long serialVersionUID = 1L;

        private final Duration limit;

        RequestTimedOut(Duration limit) {
            super("no answer within " + limit.toMillis() + " ms");
            this.limit = limit;
        }

        Duration limit() {
            return limit;
        }
    }
}
