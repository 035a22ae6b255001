package dev.sandgate.testkit.internal;


/** One injected tunnel fault: which tunnels it hits, how many more times, and what it does. Not API. */
public final class TunnelFaultRule {
    /** What the fault does to a tunnel. */
    public enum Kind {
        REFUSE,
        STALL,
        DROP,
        GARBAGE,
        FLOOD,
        SLOW
    }

    final Kind kind;
    /** For STALL and DROP: whether the bytes counted are those from the session (else those to it). */
    final boolean fromSession;
    /** For STALL and DROP the byte count that trips it; for SLOW the rate in bytes per second; for FLOOD its size. */
    final long bytes;
    final int httpStatus;
    final int closeCode;
    private final String sessionId;
    private final Uses uses;

    public TunnelFaultRule(Kind kind, boolean fromSession, long bytes, int httpStatus, int closeCode, String sessionId,
            int times) {
        this.kind = kind;
        this.fromSession = fromSession;
        this.bytes = bytes;
        this.httpStatus = httpStatus;
        this.closeCode = closeCode;
        this.sessionId = sessionId;
        this.uses = new Uses(times);
    }

    /** Whether the rule hits a tunnel to this session; if so, one use is taken. */
    boolean take(String tunnelSessionId) {
        if (sessionId != null && !sessionId.equals(tunnelSessionId)) {
            return false;
        }
        return uses.take();
    }

    boolean isUsedUp() {
        return uses.usedUp();
    }
}
