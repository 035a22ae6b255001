package dev.sandgate.tunnel.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.sandgate.tunnel.TunnelException;

/**
 * The headers that ask for, grant and re-attach a resumable tunnel (gateway contract v2). The client proves it is the
 * tunnel's owner with a chain of secrets: each request commits to the SHA-256 of a fresh secret, and the next
 * re-attachment reveals that secret and commits to another, so a request seen on the wire is no use to whoever saw it.
 */
final class ResumeHandshake {
    static final String RESUME = "Sandgate-Resume";
    static final String TUNNEL = "Sandgate-Resume-Tunnel";
    static final String SECRET = "Sandgate-Resume-Secret";
    static final String COMMIT = "Sandgate-Resume-Commit";
    static final String RECEIVED = "Sandgate-Resume-Received";
    static final String WINDOW = "Sandgate-Resume-Window";
    static final String BUFFER = "Sandgate-Resume-Buffer";
    static final String VERSION = "1";
    /** The longest re-attach window Sandgate waits, whatever a gateway grants: a silence is bounded at 10 minutes. */
    static final long MAX_WINDOW_SECONDS = 600;
    /** The fewest unacknowledged bytes a side may keep: four times the acknowledgement interval. */
    static final long MIN_BUFFER = 256 * 1024;
    private static final Pattern TUNNEL_ID = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a gateway granted: the tunnel's id, how long it waits for a re-attachment, how much it keeps unacknowledged. */
    record Grant(String tunnelId, long windowSeconds, long buffer) {
    }

    /** The secret the next re-attachment reveals, whose hash the last accepted request committed to. */
    private byte[] toReveal = newSecret();
    /** The secret the next re-attachment commits to. */
    private byte[] toCommit = newSecret();

    /** Headers asking for a resumable tunnel; a gateway that does not offer resumption ignores them. */
    synchronized Map<String, String> offer(long buffer) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RESUME, VERSION);
        headers.put(COMMIT, commitment(toReveal));
        headers.put(BUFFER, Long.toString(buffer));
        return headers;
    }

    /**
     * Headers re-attaching the tunnel: the secret committed last, a commitment to a new one, and how many bytes came
     * in. Until a re-attachment is {@linkplain #accepted() accepted} each try sends the same pair, since a try whose
     * answer was lost may have been taken: the gateway takes an identical retry of the request it took last.
     */
    synchronized Map<String, String> reattach(String tunnelId, long received) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RESUME, VERSION);
        headers.put(TUNNEL, tunnelId);
        headers.put(SECRET, encode(toReveal));
        headers.put(COMMIT, commitment(toCommit));
        headers.put(RECEIVED, Long.toString(received));
        return headers;
    }

    /** The gateway took the last re-attachment: the chain moves on. */
    synchronized void accepted() {
        toReveal = toCommit;
        toCommit = newSecret();
    }

    /** The secrets among these headers, kept out of every message. */
    static List<String> secrets(Map<String, String> headers) {
        String secret = headers.get(SECRET);
        return secret == null ? List.of() : List.of(secret);
    }

    /**
     * What the gateway granted, or null when its answer says nothing of resumption (a v1 gateway or a plain proxy).
     *
     * @throws TunnelException if it grants resumption with values that break the contract
     */
    static Grant granted(HttpResponseHead head, String description) throws TunnelException {
        List<String> resume = head.values(RESUME.toLowerCase(java.util.Locale.ROOT));
        if (resume.isEmpty()) {
            return null;
        }
        if (resume.size() != 1 || !resume.get(0).trim().equals(VERSION)) {
            throw broke(description, "it answered " + RESUME + " with a version that was not asked for");
        }
        String id = single(head, TUNNEL, description);
        if (!TUNNEL_ID.matcher(id).matches()) {
            throw broke(description, "its " + TUNNEL + " is not 16 to 128 letters, digits, '-' or '_'");
        }
        long window = number(head, WINDOW, description);
        long buffer = number(head, BUFFER, description);
        if (window < 1) {
            throw broke(description, "its " + WINDOW + " is less than one second");
        }
        if (buffer < MIN_BUFFER) {
            throw broke(description, "its " + BUFFER + " is less than " + MIN_BUFFER + " bytes");
        }
        return new Grant(id, Math.min(window, MAX_WINDOW_SECONDS), buffer);
    }

    /** How many bytes the gateway says it has received, from its answer to a re-attachment. */
    static long receivedByGateway(HttpResponseHead head, String description) throws TunnelException {
        return number(head, RECEIVED, description);
    }

    private static String single(HttpResponseHead head, String name, String description) throws TunnelException {
        List<String> values = head.values(name.toLowerCase(java.util.Locale.ROOT));
        if (values.size() != 1) {
            throw broke(description, "its answer has " + values.size() + " " + name + " headers instead of one");
        }
        return values.get(0).trim();
    }

    private static long number(HttpResponseHead head, String name, String description) throws TunnelException {
        String value = single(head, name, description);
        if (!value.matches("[0-9]{1,18}")) {
            throw broke(description, "its " + name + " is not a number");
        }
        return Long.parseLong(value);
    }

    private static TunnelException broke(String description, String what) {
        return new TunnelException(description + " broke the resumption protocol: " + what);
    }

    private static byte[] newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return secret;
    }

    static String commitment(byte[] secret) {
        try {
            return encode(MessageDigest.getInstance("SHA-256").digest(encode(secret).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
