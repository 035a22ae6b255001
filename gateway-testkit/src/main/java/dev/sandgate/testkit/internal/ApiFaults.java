package dev.sandgate.testkit.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The API faults waiting to hit calls, in the order they were injected. Not API. */
public final class ApiFaults {
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();

    public void add(FaultRule rule) {
        rules.add(rule);
    }

    public void clear() {
        rules.clear();
    }

    /** The first rule that hits this call (taking one of its uses), or null. */
    FaultRule take(String method, String path) {
        for (FaultRule rule : rules) {
            if (rule.take(method, path)) {
                if (rule.isUsedUp()) {
                    rules.remove(rule);
                }
                return rule;
            }
        }
        return null;
    }
}
