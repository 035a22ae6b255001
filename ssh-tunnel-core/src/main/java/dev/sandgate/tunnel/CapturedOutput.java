package dev.sandgate.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One stream of a command's output as MINA delivers it: copied whole to the caller's sink, if any, and kept up to a
 * cap; bytes past the cap are counted and dropped, so a command that writes gigabytes costs no memory.
 */
final class CapturedOutput extends OutputStream {
    private final int cap;
    private final OutputStream sink;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long total;

    CapturedOutput(int cap, OutputStream sink) {
        this.cap = cap;
        this.sink = sink;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        total += length;
        int room = cap - kept.size();
        if (room > 0) {
            kept.write(bytes, offset, Math.min(room, length));
        }
        if (sink != null) {
            sink.write(bytes, offset, length);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (sink != null) {
            sink.flush();
        }
    }

    synchronized byte[] kept() {
        return kept.toByteArray();
    }

    synchronized long total() {
        return total;
    }
}
