package dev.sandgate.testkit.internal;

import java.util.concurrent.atomic.AtomicInteger;

/** How many more times an injected fault may hit; taken one at a time, safely across threads. */
final class Uses {
    private final AtomicInteger remaining;

    Uses(int times) {
        this.remaining = new AtomicInteger(times);
    }

    /** Takes one use; false when none is left. */
    boolean take() {
        while (true) {
            int left = remaining.get();
            if (left <= 0) {
                return false;
            }
            if (remaining.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }

    boolean usedUp() {
        return remaining.get() <= 0;
    }
}
