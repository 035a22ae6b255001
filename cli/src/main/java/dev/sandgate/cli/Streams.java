package dev.sandgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/** Copies of a stream on a daemon thread: a remote command's output to ours, our input to its stdin. */
final class Streams {
    private Streams() {
    }

    /** Copies {@code from} to {@code to}, flushing after every read; closes {@code to} at the end if asked. */
    static Thread pump(String name, InputStream from, OutputStream to, boolean closeAtEnd) {
        return pump(name, from, to, closeAtEnd, () -> { });
    }

    /**
     * As {@link #pump(String, InputStream, OutputStream, boolean)}, and runs {@code whenWriteFails} when {@code to}
     * refuses bytes (a reader that went away, as {@code head} does in a pipe), then stops copying.
     */
    static Thread pump(String name, InputStream from, OutputStream to, boolean closeAtEnd, Runnable whenWriteFails) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[32 * 1024];
            try {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    try {
                        to.write(buffer, 0, n);
                        to.flush();
                    } catch (IOException writeFailed) {
                        whenWriteFails.run();
                        return;
                    }
                    // a PrintStream (System.out) keeps its failures to itself
                    if (to instanceof PrintStream && ((PrintStream) to).checkError()) {
                        whenWriteFails.run();
                        return;
                    }
                }
            } catch (IOException ended) {
                // the other side went away; the exit status tells what happened
            } finally {
                if (closeAtEnd) {
                    try {
                        to.close();
                    } catch (IOException ignored) {
                        // closing sends end of file; a channel already gone has nothing to tell
                    }
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
