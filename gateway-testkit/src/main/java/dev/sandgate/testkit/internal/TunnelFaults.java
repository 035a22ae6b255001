package dev.sandgate.testkit.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The tunnel faults waiting to hit tunnels, in the order they were injected. Not API. */
public final class TunnelFaults {
    private final List<TunnelFaultRule> rules = new CopyOnWriteArrayList<>();

    public void add(TunnelFaultRule rule) {
        rules.add(rule);
    }

    public void clear() {
        rules.clear();
    }

    /** The first rule that hits a tunnel to this session (taking one of its uses), or null. */
    TunnelFaultRule take(String sessionId) {
        for (TunnelFaultRule rule : rules) {
            if (rule.take(sessionId)) {
                if (rule.isUsedUp()) {
                    rules.remove(rule);
                }
                return rule;
            }
        }
        return null;
    }
}
