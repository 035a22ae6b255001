package dev.sandgate.testkit.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one tunnel's relays let through under an injected fault: all of it, bytes up to a limit (then the tunnel is
 * cut or stalls in both directions), or bytes at a set rate.
 */
final class RelayGate {
    static final RelayGate OPEN = new RelayGate(null);

    private final TunnelFaultRule rule;
    private final AtomicLong counted = new AtomicLong();
    private volatile boolean tripped;

    /** @param rule a STALL, DROP or SLOW fault, or null to let everything through */
    RelayGate(TunnelFaultRule rule) {
        this.rule = rule;
    }

    /** How many of the next {@code n} bytes in this direction may pass; fewer than {@code n} once the limit is hit. */
    int allow(boolean fromSession, int n) {
        if (rule == null || rule.kind == TunnelFaultRule.Kind.SLOW) {
            return n;
        }
        if (tripped) {
            return 0;
        }
        if (fromSession != rule.fromSession) {
            return n;
        }
        long before = counted.getAndAdd(n);
        if (before + n < rule.bytes) {
            return n;
        }
        tripped = true;
        return (int) Math.max(0, rule.bytes - before);
    }

    /** Whether the limit was hit: relaying has ended in both directions. */
    boolean tripped() {
        return tripped;
    }

    /** Whether a tripped tunnel is cut (else it stays open, silent). */
    boolean cuts() {
        return rule != null && rule.kind == TunnelFaultRule.Kind.DROP;
    }

    /** How long to wait after relaying {@code n} bytes before reading more. */
    long delayNanos(int n) {
        return rule != null && rule.kind == TunnelFaultRule.Kind.SLOW ? n * 1_000_000_000L / rule.bytes : 0;
    }
}
