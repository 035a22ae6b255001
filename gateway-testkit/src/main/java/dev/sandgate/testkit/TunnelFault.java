package dev.sandgate.testkit;

import java.util.Objects;

import dev.sandgate.testkit.internal.TunnelFaultRule;

/**
 * A fault the {@link LocalGateway} injects into its next tunnels (HTTP CONNECT or WebSocket), as MockWebServer's
 * socket policies do, for testing how clients cope with a gateway that misbehaves.
 *
 * <pre>{@code
 * gateway.injectTunnelFault(TunnelFault.refuse(503, 1011).times(2));                   // two refusals, then normal
 * gateway.injectTunnelFault(TunnelFault.dropAfter(64 * 1024, TunnelFault.Direction.TO_SESSION));
 * gateway.injectTunnelFault(TunnelFault.stall().forSession(sessionId));              // accept, then relay nothing
 * }</pre>
 *
 * <p>By default a fault hits the next single tunnel to any session. Faults hit tunnels in the order they were
 * injected; each tunnel takes at most one.
 */
public final class TunnelFault {
    /** Which way the counted bytes flow. */
    public enum Direction {
        /** From the client to the session's SSH server. */
        TO_SESSION,
        /** From the session's SSH server to the client. */
        FROM_SESSION
    }

    private final TunnelFaultRule.Kind kind;
    private final Direction direction;
    private final long bytes;
    private final int httpStatus;
    private final int closeCode;
    private final String sessionId;
    private final int times;

    private TunnelFault(TunnelFaultRule.Kind kind, Direction direction, long bytes, int httpStatus, int closeCode,
            String sessionId, int times) {
        this.kind = kind;
        this.direction = direction;
        this.bytes = bytes;
        this.httpStatus = httpStatus;
        this.closeCode = closeCode;
        this.sessionId = sessionId;
        this.times = times;
    }

    /**
     * Refuse the tunnel: a CONNECT gets {@code httpStatus}, a WebSocket is upgraded and closed with {@code closeCode}.
     *
     * @param closeCode the WebSocket close code
     * @param httpStatus the status a CONNECT is answered with, 300 to 599
     * @return the fault, to inject
     */
    public static TunnelFault refuse(int httpStatus, int closeCode) {
        if (httpStatus < 300 || httpStatus > 599) {
            throw new IllegalArgumentException("A refusal status must be 3xx, 4xx or 5xx, got " + httpStatus);
        }
        if (closeCode < 1000 || closeCode > 4999) {
            throw new IllegalArgumentException("A WebSocket close code is 1000 to 4999, got " + closeCode);
        }
        return new TunnelFault(TunnelFaultRule.Kind.REFUSE, null, 0, httpStatus, closeCode, null, 1);
    }

    /**
     * Accept the tunnel, then relay nothing either way while keeping the connection open.
     *
     * @return the fault, to inject
     */
    public static TunnelFault stall() {
        return new TunnelFault(TunnelFaultRule.Kind.STALL, Direction.TO_SESSION, 0, 0, 0, null, 1);
    }

    /**
     * Relay normally until {@code bytes} have flowed in {@code direction}, then relay nothing more either way, keeping
     * the connection. Until then the other direction flows freely (an SSH server's banner and key exchange offer
     * pass even with {@code stallAfter(0, TO_SESSION)}, since they need no client bytes).
     *
     * @param direction the direction of the bytes
     * @param bytes how many bytes may pass in {@code direction} before the stall; 0 or more
     * @return the fault, to inject
     */
    public static TunnelFault stallAfter(long bytes, Direction direction) {
        return new TunnelFault(TunnelFaultRule.Kind.STALL, Objects.requireNonNull(direction, "direction"),
                notNegative(bytes), 0, 0, null, 1);
    }

    /**
     * Relay normally until {@code bytes} have flowed in {@code direction}, then cut the connection.
     *
     * @param direction the direction of the bytes
     * @param bytes how many bytes may pass in {@code direction} before the cut; 0 or more
     * @return the fault, to inject
     */
    public static TunnelFault dropAfter(long bytes, Direction direction) {
        return new TunnelFault(TunnelFaultRule.Kind.DROP, Objects.requireNonNull(direction, "direction"),
                notNegative(bytes), 0, 0, null, 1);
    }

    /**
     * Accept the tunnel and send bytes that are not an SSH identification, then close.
     *
     * @return the fault, to inject
     */
    public static TunnelFault garbageBanner() {
        return new TunnelFault(TunnelFaultRule.Kind.GARBAGE, null, 0, 0, 0, null, 1);
    }

    /**
     * Accept the tunnel and, instead of the session's SSH bytes, send one message of {@code bytes} zero bytes: on a
     * WebSocket a single binary message in fragments of 1 MiB, on a CONNECT tunnel the bytes as they are. The gateway
     * sends each fragment once the last was written and stops when the client goes away, so it holds 1 MiB at most.
     * For testing that a client bounds what it collects.
     *
     * @param bytes the message's length in bytes; positive
     * @return the fault, to inject
     */
    public static TunnelFault oversizedMessage(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be positive, got " + bytes);
        }
        return new TunnelFault(TunnelFaultRule.Kind.FLOOD, null, bytes, 0, 0, null, 1);
    }

    /**
     * Relay at about {@code bytesPerSecond} in each direction.
     *
     * @param bytesPerSecond the rate each direction is held to; positive
     * @return the fault, to inject
     */
    public static TunnelFault slow(long bytesPerSecond) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("bytesPerSecond must be positive, got " + bytesPerSecond);
        }
        return new TunnelFault(TunnelFaultRule.Kind.SLOW, null, bytesPerSecond, 0, 0, null, 1);
    }

    /**
     * Hit the next {@code n} tunnels instead of one.
     *
     * @param n how many tunnels the fault hits, at least 1
     * @return the fault, to inject
     */
    public TunnelFault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + n);
        }
        return new TunnelFault(kind, direction, bytes, httpStatus, closeCode, sessionId, n);
    }

    /**
     * Hit only tunnels to this session.
     *
     * @param id the session's id
     * @return the fault, to inject
     */
    public TunnelFault forSession(String id) {
        return new TunnelFault(kind, direction, bytes, httpStatus, closeCode, Objects.requireNonNull(id, "id"), times);
    }

    TunnelFaultRule toRule() {
        return new TunnelFaultRule(kind, direction == Direction.FROM_SESSION, bytes, httpStatus, closeCode, sessionId,
                times);
    }

    private static long notNegative(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "TunnelFault{" + kind + (direction == null ? "" : " " + direction + " after " + bytes + " bytes")
                + (sessionId == null ? "" : ", session " + sessionId) + ", times=" + times + "}";
    }
}
