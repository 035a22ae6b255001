package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.ApiFault;
import dev.sandgate.testkit.ManualClock;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

class CertificateCacheTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private final ManualClock clock = new ManualClock();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CertificateListener recorder = new CertificateListener() {
        @Override
        public void certificateIssued(String sessionId, IssuedCertificate certificate, boolean renewal) {
            events.add(renewal ? "renewed" : "issued");
        }

        @Override
        public void certificateRenewalFailed(String sessionId, IOException cause, IssuedCertificate stillInUse,
                Instant nextAttempt) {
            events.add("failed:" + cause.getClass().getSimpleName() + (stillInUse != null ? ":kept" : ":none"));
        }
    };

    private SandboxApi api;

    private CertificateCache cache() {
        LocalGateway gateway = GATEWAY.gateway();
        api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build();
        return CertificateCache.builder(api).ttl(Duration.ofMinutes(30)).clock(clock).listener(recorder).build();
    }

    private String session() throws IOException {
        return api.createSession(NewSession.builder().build()).id();
    }

    @AfterEach
    void close() {
        GATEWAY.gateway().clearApiFaults();
        if (api != null) {
            api.close();
        }
    }

    @Test
    void servesOneCertificateUntilRenewAfter() throws Exception {
        CertificateCache cache = cache();
        String sessionId = session();
        IssuedCertificate first = cache.get(sessionId);
        assertSame(first, cache.get(sessionId));
        clock.set(first.renewAfter().minusSeconds(1));
        assertSame(first, cache.get(sessionId));
        assertEquals(1, GATEWAY.gateway().certificatesMinted(sessionId));
        assertEquals(List.of("issued"), events);
    }

    @Test
    void renewsOnceForFiftyConcurrentCallersBeforeExpiry() throws Exception {
        CertificateCache cache = cache();
        String sessionId = session();
        IssuedCertificate first = cache.get(sessionId);
        clock.set(first.renewAfter().plusSeconds(1));
        assertTrue(clock.instant().isBefore(first.validBefore()), "renewal is due, expiry is not");

        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<IssuedCertificate>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.get(sessionId);
                }));
            }
            start.countDown();
            Set<String> serials = new HashSet<>();
            for (Future<IssuedCertificate> result : results) {
                IssuedCertificate got = result.get(30, TimeUnit.SECONDS);
                assertNotEquals(first.credentials().certificate(), got.credentials().certificate());
                serials.add(Long.toString(got.credentials().certificate().serial()));
            }
            assertEquals(1, serials.size(), "every caller got the same renewed certificate");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, GATEWAY.gateway().certificatesMinted(sessionId), "one mint at first, exactly one renewal");
        assertEquals(List.of("issued", "renewed"), events);
    }

    @Test
    void aFailedRenewalKeepsTheOldCertificateUntilItExpiresThenRetries() throws Exception {
        CertificateCache cache = CertificateCache.builder(cacheApi()).clock(clock).listener(recorder)
                .retryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(40)).build();
        String sessionId = session();
        IssuedCertificate first = cache.get(sessionId);

        GATEWAY.gateway().injectApiFault(ApiFault.status(500).onMints().times(100));
        clock.set(first.renewAfter().plusSeconds(1));
        assertSame(first, cache.get(sessionId), "the renewal failed: the old certificate is still good");
        assertSame(first, cache.get(sessionId), "within the backoff, no new attempt");
        assertEquals(List.of("issued", "failed:ServerErrorException:kept"), events);

        clock.advance(Duration.ofSeconds(11));
        assertSame(first, cache.get(sessionId));
        assertEquals(3, events.size(), "after the backoff, one more attempt: " + events);

        clock.set(first.validBefore());
        ServerErrorException expired = assertThrows(ServerErrorException.class, () -> cache.get(sessionId));
        assertNotNull(expired.getMessage());
        assertEquals("failed:ServerErrorException:none", events.get(events.size() - 1));

        GATEWAY.gateway().clearApiFaults();
        IssuedCertificate fresh = cache.get(sessionId);
        assertNotEquals(first.credentials().certificate(), fresh.credentials().certificate());
        assertEquals("renewed", events.get(events.size() - 1));
    }

    @Test
    void sessionsWithExpiredCertificatesAreDroppedWhenANewSessionArrives() throws Exception {
        CertificateCache cache = cache();
        IssuedCertificate old = cache.get(session());
        assertEquals(1, cache.size());
        clock.set(old.validBefore());
        cache.get(session());
        assertEquals(1, cache.size(), "the expired session's entry, with its private key, is gone");
    }

    @Test
    void invalidateForgetsTheCertificate() throws Exception {
        CertificateCache cache = cache();
        String sessionId = session();
        IssuedCertificate first = cache.get(sessionId);
        cache.invalidate(sessionId);
        assertNotEquals(first.credentials().certificate(), cache.get(sessionId).credentials().certificate());
    }

    private SandboxApi cacheApi() {
        LocalGateway gateway = GATEWAY.gateway();
        api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build();
        return api;
    }
}
