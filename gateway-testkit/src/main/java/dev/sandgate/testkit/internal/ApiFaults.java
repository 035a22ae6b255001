package dev.sandgate.testkit.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The API faults waiting to hit calls, in the order they were injected, each with its own count of uses. Not API. */
public final class ApiFaults {
    private final List<Injected> injected = new CopyOnWriteArrayList<>();

    /** One injection of a rule: the same rule injected twice hits twice as many calls. */
    private record Injected(FaultRule rule, Uses uses) {
    }

    public void add(FaultRule rule) {
        injected.add(new Injected(rule, new Uses(rule.times)));
    }

    public void clear() {
        injected.clear();
    }

    /** The first rule that hits this call (taking one of its uses), or null. */
    FaultRule take(String method, String path) {
        for (Injected one : injected) {
            if (one.rule.matches(method, path) && one.uses.take()) {
                if (one.uses.usedUp()) {
                    injected.remove(one);
                }
                return one.rule;
            }
        }
        return null;
    }
}
