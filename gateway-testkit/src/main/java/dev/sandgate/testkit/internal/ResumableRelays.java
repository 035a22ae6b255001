package dev.sandgate.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.netty.channel.Channel;

/**
 * The gateway's resumable tunnels by id (gateway contract v2): made when a tunnel asks for resumption, found again
 * when a client re-attaches with the secret its last request committed to.
 */
final class ResumableRelays {
    static final String RESUME = "Sandgate-Resume";
    static final String TUNNEL = "Sandgate-Resume-Tunnel";
    static final String SECRET = "Sandgate-Resume-Secret";
    static final String COMMIT = "Sandgate-Resume-Commit";
    static final String RECEIVED = "Sandgate-Resume-Received";
    static final String WINDOW = "Sandgate-Resume-Window";
    static final String BUFFER = "Sandgate-Resume-Buffer";
    /** How many bytes from the server a tunnel keeps unacknowledged. */
    static final long KEPT = 4L * 1024 * 1024;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,18}");

    private final Map<String, ResumableRelay> relays = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile Duration window;

    ResumableRelays(Duration window) {
        this.window = window;
    }

    /** The re-attach window; zero turns resumption off (the resumption headers are ignored, as a v1 gateway does). */
    void window(Duration window) {
        this.window = window;
    }

    boolean offered() {
        return !window.isZero();
    }

    long windowSeconds() {
        return Math.max(1, window.toSeconds());
    }

    /** Whether a request asks for resumption in a form this gateway takes. */
    static boolean asked(io.netty.handler.codec.http.HttpHeaders headers) {
        return "1".equals(headers.get(RESUME)) && TOKEN.matcher(headers.get(COMMIT, "")).matches();
    }

    static boolean reattaching(io.netty.handler.codec.http.HttpHeaders headers) {
        return headers.contains(TUNNEL);
    }

    /** The fewest bytes a side may keep unacknowledged (and so announce). */
    static final long MIN_BUFFER = 256 * 1024;

    /** The buffer a request announces; the least allowed when it says nothing usable. */
    static long clientBuffer(io.netty.handler.codec.http.HttpHeaders headers) {
        String value = headers.get(BUFFER, "");
        return NUMBER.matcher(value).matches() ? Math.max(MIN_BUFFER, Long.parseLong(value)) : MIN_BUFFER;
    }

    /** A new resumable tunnel over this connection to the session's server. */
    ResumableRelay create(GatewaySession session, Channel upstream, String commit, long clientBuffer) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String id = "rt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ResumableRelay relay = new ResumableRelay(id, session, upstream, commit, window.toNanos(), KEPT, clientBuffer,
                this);
        relays.put(id, relay);
        session.trackRelay(relay);
        return relay;
    }

    /**
     * The tunnel a re-attachment names, when its secret is the one the tunnel's last request committed to (the chain
     * then moves on), or it repeats that request exactly (its answer may have been lost); else null. Unknown tunnels,
     * other sessions' tunnels and wrong secrets get the same answer.
     */
    ResumableRelay reattach(io.netty.handler.codec.http.HttpHeaders headers, GatewaySession session) {
        ResumableRelay relay = relays.get(headers.get(TUNNEL, ""));
        String secret = headers.get(SECRET, "");
        String next = headers.get(COMMIT, "");
        if (relay == null || relay.session != session || !TOKEN.matcher(secret).matches()
                || !TOKEN.matcher(next).matches() || !NUMBER.matcher(headers.get(RECEIVED, "")).matches()) {
            return null;
        }
        String received = headers.get(RECEIVED);
        synchronized (relay) {
            if (MessageDigest.isEqual(bytes(commitment(secret)), bytes(relay.commit))) {
                relay.lastSecret = secret;
                relay.lastCommit = next;
                relay.lastReceived = received;
                relay.commit = next;
                relay.repeatTaken = true;
                return relay;
            }
            // the same request again, its answer lost: taken only until the connection it attached carries a frame
            if (relay.repeatTaken && secret.equals(relay.lastSecret) && next.equals(relay.lastCommit)
                    && received.equals(relay.lastReceived)) {
                return relay;
            }
            return null;
        }
    }

    static long clientReceived(io.netty.handler.codec.http.HttpHeaders headers) {
        return Long.parseLong(headers.get(RECEIVED));
    }

    void forget(ResumableRelay relay) {
        relays.remove(relay.id, relay);
        relay.session.forgetRelay(relay);
    }

    /** Ends every tunnel (the gateway closes). */
    void abortAll() {
        relays.values().forEach(ResumableRelay::abort);
    }

    static String commitment(String secret) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
