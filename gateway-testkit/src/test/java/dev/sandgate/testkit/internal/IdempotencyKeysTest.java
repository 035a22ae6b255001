package dev.sandgate.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandgate.testkit.ManualClock;

/** The gateway's memory of Idempotency-Keys, call by call: the states a race at the HTTP level cannot pin down. */
class IdempotencyKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ManualClock clock = new ManualClock();
    private final IdempotencyKeys keys = new IdempotencyKeys(clock, Duration.ofHours(24));

    private static JsonNode body(long ttl) {
        return JSON.createObjectNode().put("ttl", ttl);
    }

    @Test
    void aSecondCallWhileTheFirstIsWorkingIsInUseThenReplayed() {
        IdempotencyKeys.Claimed first = assertInstanceOf(IdempotencyKeys.Claimed.class, keys.claim("acct", "k", body(60)));
        assertInstanceOf(IdempotencyKeys.InUse.class, keys.claim("acct", "k", body(60)));
        assertInstanceOf(IdempotencyKeys.Reused.class, keys.claim("acct", "k", body(120)),
                "another body is refused even while the first works");
        ApiAnswer answer = new ApiAnswer(201, "{\"session_id\":\"sess-1\"}", Map.of());
        keys.complete(first, answer);
        assertEquals(answer, assertInstanceOf(IdempotencyKeys.Replay.class, keys.claim("acct", "k", body(60))).answer());
    }

    @Test
    void aFailedCallFreesItsKey() {
        IdempotencyKeys.Claimed first = assertInstanceOf(IdempotencyKeys.Claimed.class, keys.claim("acct", "k", body(60)));
        keys.release(first);
        assertInstanceOf(IdempotencyKeys.Claimed.class, keys.claim("acct", "k", body(120)));
    }

    @Test
    void anAnsweredKeyIsForgottenWhenTheWindowHasPassed() {
        keys.complete((IdempotencyKeys.Claimed) keys.claim("acct", "k", body(60)), new ApiAnswer(201, "{}", Map.of()));
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertInstanceOf(IdempotencyKeys.Replay.class, keys.claim("acct", "k", body(60)));
        assertInstanceOf(IdempotencyKeys.Reused.class, keys.claim("acct", "k", body(120)));
        clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(IdempotencyKeys.Claimed.class, keys.claim("acct", "k", body(120)),
                "once forgotten, the key is free for any body");
    }

    @Test
    void keysAreValidatedAsVisibleAscii() {
        assertTrue(IdempotencyKeys.isValid("3f0b6d9e-8c1a-4f57-9d2e-1b7c6a5e4d3c"));
        assertTrue(IdempotencyKeys.isValid("~".repeat(255)));
        for (String bad : new String[] {"", "a b", "k".repeat(256), "tab\t", "caf\u00e9", "\u007f"}) {
            assertFalse(IdempotencyKeys.isValid(bad), bad);
        }
    }
}
