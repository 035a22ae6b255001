package dev.sandgate.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** What a terminal has shown, read by a thread of its own, so a test can wait for text with a deadline. */
final class TerminalScreen {
    private static final Duration BOUND = Duration.ofSeconds(20);

    private final StringBuilder shown = new StringBuilder();
    private int consumed;

    TerminalScreen(InputStream in) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (shown) {
                        shown.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        shown.notifyAll();
                    }
                }
            } catch (IOException ended) {
                // the terminal closed
            }
        }, "terminal-screen");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until {@code expected} shows after what earlier calls consumed; returns the text up to it. */
    String await(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        synchronized (shown) {
            int at;
            while ((at = shown.indexOf(expected, consumed)) < 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("'" + expected + "' never showed; the terminal showed: "
                            + shown.substring(consumed));
                }
                shown.wait(left);
            }
            String upTo = shown.substring(consumed, at + expected.length());
            consumed = at + expected.length();
            return upTo;
        }
    }
}
