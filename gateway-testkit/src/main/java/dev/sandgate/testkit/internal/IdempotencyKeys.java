package dev.sandgate.testkit.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the gateway remembers of {@code POST /sessions} calls that carried an {@code Idempotency-Key}: per account and
 * key, the request and the answer it got, for a window measured by the gateway's clock. Thread-safe. Not API.
 *
 * <p>A key is claimed before the session is made, so two calls with one key never both create: the second, while the
 * first is still working, is told so (409); once the first has answered, it gets that same answer. Only a success is
 * remembered: after a failure the key is free again, so that a retry can succeed.
 */
public final class IdempotencyKeys {
    /** The longest key taken: a UUID has 36 characters, and no sane key needs more than this. */
    public static final int MAX_KEY_LENGTH = 255;

    private final Clock clock;
    private final Duration window;
    private final Map<Scope, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param clock  the gateway's clock, which ages the entries
     * @param window how long a key is remembered after its first use
     */
    public IdempotencyKeys(Clock clock, Duration window) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
    }

    /** Whether the key can be taken: 1 to 255 visible ASCII characters (no space, no control character). */
    static boolean isValid(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** What {@link #claim} found. */
    sealed interface Claim permits Claimed, Replay, Reused, InUse {
    }

    /** The key was free (or its window had passed): this call goes on, and ends with {@link #complete} or {@link #release}. */
    record Claimed(Scope scope) implements Claim {
    }

    /** The key was used with this same request, which was answered: answer the same again. */
    record Replay(ApiAnswer answer) implements Claim {
    }

    /** The key was used with another request. */
    record Reused() implements Claim {
    }

    /** The key's first call, with this same request, has not answered yet. */
    record InUse() implements Claim {
    }

    /** The key of one account: two accounts may use the same key for their own sessions. */
    record Scope(String account, String key) {
    }

    private static final class Entry {
        final JsonNode request;
        final Instant firstUsed;
        volatile ApiAnswer answer;

        Entry(JsonNode request, Instant firstUsed) {
            this.request = request;
            this.firstUsed = firstUsed;
        }
    }

    /**
     * Looks the key up for this account and request, claiming it if it is free.
     *
     * @param request the request body as JSON: "the same request" means an equal JSON value, whatever its spacing
     *                or field order
     */
    Claim claim(String account, String key, JsonNode request) {
        Instant now = clock.instant();
        forgetOlderThan(now.minus(window));
        Scope scope = new Scope(account, key);
        Entry mine = new Entry(request, now);
        Entry found = entries.compute(scope, (k, old) -> old == null || expired(old, now) ? mine : old);
        if (found == mine) {
            return new Claimed(scope);
        }
        if (!found.request.equals(request)) {
            return new Reused();
        }
        ApiAnswer answer = found.answer;
        return answer == null ? new InUse() : new Replay(answer);
    }

    /** The claimed call succeeded: later calls with its key and request get this answer. */
    void complete(Claimed claim, ApiAnswer answer) {
        Entry entry = entries.get(claim.scope());
        if (entry != null) {
            entry.answer = answer;
        }
    }

    /** The claimed call failed: its key is free again. */
    void release(Claimed claim) {
        entries.computeIfPresent(claim.scope(), (k, entry) -> entry.answer == null ? null : entry);
    }

    private boolean expired(Entry entry, Instant now) {
        return !entry.firstUsed.plus(window).isAfter(now);
    }

    private void forgetOlderThan(Instant limit) {
        // only answered entries age out here; a claimed one is the business of the call that holds it
        entries.values().removeIf(entry -> entry.answer != null && !entry.firstUsed.isAfter(limit));
    }
}
