package dev.sandgate.tunnel.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the tunnels of one client did, summed over all of them: opened and closed, SSH bytes each way, re-attachments.
 * Each tunnel session adds to it as it goes, one uncontended add per batch of bytes, and nothing reads it until someone
 * asks for the totals. Not API: {@code SandboxSsh.stats()} reads it.
 */
public final class TunnelCounters {
    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder resumed = new LongAdder();

    void tunnelOpened() {
        opened.increment();
    }

    void tunnelClosed() {
        closed.increment();
    }

    void sent(long count) {
        bytesSent.add(count);
    }

    void received(long count) {
        bytesReceived.add(count);
    }

    void tunnelResumed() {
        resumed.increment();
    }

    /** {@return the tunnels carrying an SSH session now} */
    public long open() {
        // closed first: a tunnel that opens and closes between the two reads is then counted open, never below zero
        long ended = closed.sum();
        return opened.sum() - ended;
    }

    /** {@return the SSH bytes sent through the tunnels so far} */
    public long bytesSent() {
        return bytesSent.sum();
    }

    /** {@return the SSH bytes received through the tunnels so far} */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    /** {@return how many times a dropped tunnel was re-attached} */
    public long resumes() {
        return resumed.sum();
    }
}
