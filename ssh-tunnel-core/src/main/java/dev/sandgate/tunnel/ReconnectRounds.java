package dev.sandgate.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.sandgate.tunnel.internal.SandgateEvents;

/**
 * The reconnect rounds of one {@link SshConnection}: at most one round in flight, run on a thread of its own, which
 * every caller that finds the connection lost while it runs joins, and whose outcome, success or failure, each of
 * them gets. No lock is held while a round sleeps or connects; a waiter that is interrupted stops waiting without
 * ending the round for the others; {@link #close()} ends the round at once, typed, for every waiter.
 *
 * @param <T> what a successful round publishes (the connection's new link and what works on it)
 */
final class ReconnectRounds<T> {
    /** Opens a new link and publishes it, or closes it and throws when the connection was closed meanwhile. */
    @FunctionalInterface
    interface Publisher<T> {
        T openAndPublish() throws IOException;
    }

    private final String sessionId;
    private final ReconnectPolicy policy;
    private final ConnectionListener listener;
    private final StatsRecorder stats;
    private final Supplier<String> description;
    private final Publisher<T> publisher;
    private final CountDownLatch closing = new CountDownLatch(1);
    private CompletableFuture<T> inFlight;

    ReconnectRounds(String sessionId, ReconnectPolicy policy, ConnectionListener listener, StatsRecorder stats,
            Supplier<String> description, Publisher<T> publisher) {
        this.sessionId = sessionId;
        this.policy = policy;
        this.listener = listener;
        this.stats = stats;
        this.description = description;
        this.publisher = publisher;
    }

    /**
     * The outcome of the round in flight, or of a new one when none is (and {@code current} still shows the lost
     * link, that is, no round replaced it since the caller looked).
     *
     * @param lost the link the caller found lost
     * @param current the connection's link now
     */
    T join(T lost, Supplier<T> current) throws IOException {
        CompletableFuture<T> round;
        synchronized (this) {
            if (closing.getCount() == 0) {
                throw closedMeanwhile();
            }
            if (inFlight == null) {
                T now = current.get();
                if (now != lost) {
                    return now; // a round ended in success after the caller found the link lost
                }
                inFlight = new CompletableFuture<>();
                CompletableFuture<T> started = inFlight;
                Thread runner = new Thread(() -> run(started), "sandgate-reconnect " + sessionId);
                runner.setDaemon(true);
                runner.start();
            }
            round = inFlight;
        }
        try {
            return round.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for the reconnect of " + description.get()
                    + " (the reconnect goes on for other callers)");
        } catch (ExecutionException e) {
            // the same exception for every caller of one round: its stack shows the round's thread, not the caller's
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IllegalStateException("Reconnecting " + description.get() + " failed", cause);
        }
    }

    /** Ends the round in flight for its waiters, and any later one before it starts. Idempotent. */
    void close() {
        CompletableFuture<T> round;
        synchronized (this) {
            closing.countDown();
            round = inFlight;
        }
        if (round != null) {
            round.completeExceptionally(closedMeanwhile());
        }
    }

    private void run(CompletableFuture<T> round) {
        T published = null;
        Throwable failure = null;
        SandgateEvents.Reconnect event = new SandgateEvents.Reconnect();
        event.begin();
        try {
            published = attempts(event);
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        if (failure == null) {
            stats.reconnected();
        } else if (closing.getCount() > 0) {
            // a round that a close ended is no failure to reconnect
            stats.reconnectFailed();
        }
        if (event.shouldCommit()) {
            event.sessionId = sessionId;
            event.failure = SandgateEvents.kind(failure);
            event.commit();
        }
        synchronized (this) {
            // cleared before the waiters learn the outcome, so that a caller arriving after it starts a new round
            if (inFlight == round) {
                inFlight = null;
            }
        }
        if (failure == null) {
            round.complete(published);
        } else {
            round.completeExceptionally(failure);
        }
    }

    /** The policy's attempts, with its waits between them; a close ends them. */
    private T attempts(SandgateEvents.Reconnect event) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            event.attempts = attempt;
            listener.reconnecting(sessionId, attempt, last);
            try {
                if (closing.await(policy.backoffBefore(attempt).toNanos(), TimeUnit.NANOSECONDS)) {
                    throw closedMeanwhile();
                }
            } catch (InterruptedException e) {
                // nobody interrupts this thread but a JVM shutting down
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while reconnecting " + description.get());
            }
            try {
                T published = publisher.openAndPublish();
                listener.reconnected(sessionId, attempt);
                return published;
            } catch (IOException e) {
                if (closing.getCount() == 0) {
                    throw closedMeanwhile();
                }
                last = e;
            }
        }
        throw new TunnelException("The connection to " + description.get() + " was lost and " + policy.maxAttempts()
                + " reconnect attempt(s) failed; the last: " + last.getMessage(), last);
    }

    private SandgateSshException closedMeanwhile() {
        return new SandgateSshException("The connection was closed while reconnecting (" + description.get() + ")");
    }
}
