package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.ApiFault;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * {@code createSession} sends an {@code Idempotency-Key} and retries with it, so a creation whose answer was lost
 * leaves exactly one session; tested through {@link SandboxApi}, against the LocalGateway, counting sessions with
 * {@code listSessions}.
 */
class SandboxApiIdempotencyTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    /** How long the gateway holds a late answer: well past the client's read timeout below. */
    private static final Duration LATE = Duration.ofSeconds(4);
    private static final Duration SHORT_READ_TIMEOUT = Duration.ofMillis(1500);

    /** A client of a new account of its own, so that {@code listSessions} counts only this test's sessions. */
    private static SandboxApi newAccount(LocalGateway gateway, Duration readTimeout) {
        return SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.issueToken()).readTimeout(readTimeout)
                .build();
    }

    private static SandboxApi newAccount() {
        return newAccount(GATEWAY.gateway(), Duration.ofSeconds(20));
    }

    private static List<String> sessionIds(SandboxApi api) throws SandboxApiException {
        List<String> ids = new ArrayList<>();
        for (SandboxSession session : api.listSessions(100, 0).sessions()) {
            ids.add(session.id());
        }
        return ids;
    }

    @AfterEach
    void clearFaults() {
        GATEWAY.gateway().clearApiFaults();
    }

    @Nested
    class LostAnswers {
        @Test
        void aCreationAnsweredTooLateIsRetriedAndLeavesExactlyOneSession() throws Exception {
            GATEWAY.gateway().injectApiFault(ApiFault.answerLate(LATE).onSessionCreation());
            try (SandboxApi api = newAccount(GATEWAY.gateway(), SHORT_READ_TIMEOUT)) {
                long start = System.nanoTime();
                SandboxSession session = api.createSession(NewSession.builder().metadata("job", "lost-answer").build());
                assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(LATE) < 0,
                        "the retry answered, not the late first try");
                assertEquals(List.of(session.id()), sessionIds(api), "the retry got the first try's session");
                assertEquals("lost-answer", api.getSession(session.id()).metadata().get("job"));
            }
        }

        @Test
        void serverErrorsAreRetriedWithOneKeyAndLeaveOneSession() throws Exception {
            GATEWAY.gateway().injectApiFault(ApiFault.status(503).onSessionCreation().times(2));
            try (SandboxApi api = newAccount()) {
                SandboxSession session = api.createSession(NewSession.builder().build());
                assertEquals(List.of(session.id()), sessionIds(api));
            }
        }

        @Test
        void noRetryWhenRetriesAreOff() throws Exception {
            GATEWAY.gateway().injectApiFault(ApiFault.answerLate(LATE).onSessionCreation());
            try (SandboxApi api = SandboxApi.builder().baseUrl(GATEWAY.gateway().apiUrl())
                    .token(GATEWAY.gateway().issueToken()).readTimeout(SHORT_READ_TIMEOUT).maxRetries(0).build()) {
                ApiConnectionException e = assertThrows(ApiConnectionException.class,
                        () -> api.createSession(NewSession.builder().idempotencyKey("no-retry-1").build()));
                assertTrue(e.getMessage().contains("Idempotency-Key no-retry-1"), e.getMessage());
                // the caller can still learn the session the lost answer named, by asking again with the key
                SandboxSession session = api.createSession(NewSession.builder().idempotencyKey("no-retry-1").build());
                assertEquals(List.of(session.id()), sessionIds(api));
            }
        }

        /** What the contract says a client gets from a gateway that ignores the key: a second session, the first orphaned. */
        @Test
        void aGatewayThatIgnoresTheKeyMakesASecondSession() throws Exception {
            try (LocalGateway ignoring = LocalGateway.builder().ignoreIdempotencyKeys().start();
                 SandboxApi api = newAccount(ignoring, SHORT_READ_TIMEOUT)) {
                ignoring.injectApiFault(ApiFault.answerLate(LATE).onSessionCreation());
                SandboxSession session = api.createSession(NewSession.builder().build());
                List<String> ids = sessionIds(api);
                assertEquals(2, ids.size(), ids.toString());
                assertTrue(ids.contains(session.id()));
            }
        }
    }

    @Nested
    class CallerKeys {
        @Test
        void theSameKeyAndRequestAnswerTheSameSession() throws Exception {
            try (SandboxApi api = newAccount()) {
                NewSession request = NewSession.builder().ttl(Duration.ofMinutes(30)).image("base")
                        .metadata("job", "42").idempotencyKey("job-42").build();
                SandboxSession first = api.createSession(request);
                SandboxSession again = api.createSession(NewSession.builder().ttl(Duration.ofMinutes(30)).image("base")
                        .metadata("job", "42").idempotencyKey("job-42").build());
                assertEquals(first.id(), again.id());
                assertEquals(first.createdAt(), again.createdAt());
                assertEquals(List.of(first.id()), sessionIds(api));
            }
        }

        @Test
        void theSameKeyWithAnotherRequestIsATypedRefusalAndMakesNothing() throws Exception {
            try (SandboxApi api = newAccount()) {
                String key = "job-" + UUID.randomUUID();
                SandboxSession first = api.createSession(NewSession.builder().idempotencyKey(key).build());
                IdempotencyKeyReusedException e = assertThrows(IdempotencyKeyReusedException.class,
                        () -> api.createSession(NewSession.builder().ttl(Duration.ofHours(2)).idempotencyKey(key).build()));
                assertEquals(422, e.status());
                assertEquals("idempotency_key_reused", e.errorCode());
                assertEquals(key, e.idempotencyKey());
                assertTrue(e.getMessage().contains(key) && e.getMessage().contains("use a new key"), e.getMessage());
                assertTrue(Refusal.of(e).isEmpty(), "not a refusal of a session: the caller reused a key");
                assertEquals(List.of(first.id()), sessionIds(api));
            }
        }

        @Test
        void withoutACallerKeyEachCallMakesItsOwnSession() throws Exception {
            try (SandboxApi api = newAccount()) {
                NewSession request = NewSession.builder().build();
                SandboxSession one = api.createSession(request);
                SandboxSession two = api.createSession(request);
                assertNotEquals(one.id(), two.id());
                assertEquals(2, sessionIds(api).size());
            }
        }

        /**
         * Callers racing with one key: every one gets the same session, and only one is made (25 rounds of 4 threads;
         * the losers meet the gateway's 409 "still being processed" and retry).
         */
        @Test
        void racingCallsWithOneKeyMakeOneSession() throws Exception {
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try (SandboxApi api = newAccount()) {
                for (int round = 0; round < 25; round++) {
                    NewSession request = NewSession.builder().idempotencyKey("race-" + round).build();
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<String>> calls = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        calls.add(threads.submit(() -> {
                            go.await();
                            return api.createSession(request).id();
                        }));
                    }
                    go.countDown();
                    Set<String> ids = new HashSet<>();
                    for (Future<String> call : calls) {
                        ids.add(call.get(30, TimeUnit.SECONDS));
                    }
                    assertEquals(1, ids.size(), "round " + round + ": " + ids);
                    assertEquals(List.copyOf(ids), sessionIds(api), "round " + round);
                    api.deleteSession(ids.iterator().next());
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Nested
    class KeyValidation {
        @Test
        void aKeyMustBeOneTo255VisibleAsciiCharacters() {
            assertEquals("3f0b6d9e-8c1a-4f57-9d2e-1b7c6a5e4d3c", NewSession.builder()
                    .idempotencyKey("3f0b6d9e-8c1a-4f57-9d2e-1b7c6a5e4d3c").build().idempotencyKey().orElseThrow());
            assertEquals(255, NewSession.builder().idempotencyKey("k".repeat(255)).build().idempotencyKey()
                    .orElseThrow().length());
            for (String bad : new String[] {"", "k".repeat(256), "two words", "line\nbreak", "tab\tkey", "caf\u00e9",
                    "esc\u001b[2J"}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> NewSession.builder().idempotencyKey(bad), bad);
                assertTrue(e.getMessage().contains("idempotency key"), e.getMessage());
                assertFalse(e.getMessage().matches("(?s).*[\\x00-\\x1f\\x7f].*"), e.getMessage());
            }
            assertThrows(NullPointerException.class, () -> NewSession.builder().idempotencyKey(null));
        }

        @Test
        void theKeyShowsInToStringBecauseItIsNoSecret() {
            assertTrue(NewSession.builder().idempotencyKey("job-7").build().toString().contains("idempotencyKey=job-7"));
            assertFalse(NewSession.builder().build().toString().contains("idempotencyKey"));
        }
    }
}
