package dev.sandgate.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.time.Duration;

import dev.sandgate.cert.RateLimitedException;
import dev.sandgate.cert.Refusal;

/**
 * {@link SandboxSsh#connect} under a {@link ReconnectPolicy#coveringFirstConnect() policy that covers it}: tries
 * again, after the policy's wait, when the failure is one a later try can get past, decided from the failure's types
 * (a {@link dev.sandgate.cert.Refused refusal}, a {@link RateLimitedException}'s {@code Retry-After}, the socket
 * failure underneath a tunnel), never from messages.
 */
final class FirstConnect {
    /** One connect. */
    @FunctionalInterface
    interface Attempt {
        Link open() throws IOException;
    }

    private FirstConnect() {
    }

    /** The link of the first try that succeeds, or the last try's failure. */
    static Link open(ReconnectPolicy policy, Attempt attempt) throws IOException {
        int tries = policy.coversFirstConnect() ? policy.maxAttempts() : 1;
        for (int tried = 1;; tried++) {
            try {
                return attempt.open();
            } catch (IOException e) {
                Duration wait = tried < tries ? waitBeforeRetry(e, policy.backoffBefore(tried + 1)) : null;
                if (wait == null) {
                    throw e;
                }
                sleep(wait, e);
            }
        }
    }

    /**
     * How long to wait before trying again after {@code failure}, or null when a retry cannot help: at least
     * {@code backoff}, at least what a rate limit's {@code Retry-After} says, at most {@link ReconnectPolicy#MAX_BACKOFF}.
     */
    static Duration waitBeforeRetry(IOException failure, Duration backoff) {
        if (!retryable(failure)) {
            return null;
        }
        Duration wait = backoff;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RateLimitedException) {
                Duration asked = ((RateLimitedException) t).retryAfter().orElse(Duration.ZERO);
                wait = asked.compareTo(wait) > 0 ? asked : wait;
                break;
            }
        }
        return wait.compareTo(ReconnectPolicy.MAX_BACKOFF) > 0 ? ReconnectPolicy.MAX_BACKOFF : wait;
    }

    private static boolean retryable(IOException failure) {
        if (failure instanceof InterruptedIOException && !(failure instanceof java.net.SocketTimeoutException)) {
            return false;
        }
        Refusal refusal = Refusal.of(failure).orElse(null);
        if (refusal != null) {
            return refusal == Refusal.UNAVAILABLE || refusal == Refusal.RATE_LIMITED;
        }
        if (!(failure instanceof TunnelException)) {
            return false; // a refused login or host key, an API answer that is not a refusal: the same again
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return true; // nothing accepted the tunnel's connection: a gateway restarting, a network coming back
            }
        }
        return false;
    }

    private static void sleep(Duration wait, IOException failure) throws InterruptedIOException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while waiting to connect "
                    + "again after: " + failure.getMessage());
            interrupted.addSuppressed(failure);
            throw interrupted;
        }
    }
}
