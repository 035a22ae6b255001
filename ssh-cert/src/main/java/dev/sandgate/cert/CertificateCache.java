package dev.sandgate.cert;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.sandgate.cert.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one certificate per sandbox session and renews it before it runs out, so that callers always get one that
 * works and never think about keys.
 *
 * <pre>{@code
 * CertificateCache cache = CertificateCache.builder(api).ttl(Duration.ofMinutes(30)).build();
 * IssuedCertificate issued = cache.get("sess-123");   // mints once, then serves from memory
 * }</pre>
 *
 * <ul>
 *   <li>A certificate is served until its {@code renew_after} (two thirds into its lifetime when the API gives
 *       none); the first {@link #get} after that mints a fresh one, for a fresh key pair.</li>
 *   <li>Concurrent callers that need a mint share one: 50 threads asking at once cause one call to the API.</li>
 *   <li>When a renewal fails, callers keep getting the older certificate while it is valid (minus a margin of
 *       {@link Builder#expiryMargin}), and the renewal is tried again on a later {@link #get}, no sooner than a backoff
 *       that starts at 1 s and doubles up to 1 min. Once nothing valid is left, {@link #get} mints or throws.</li>
 * </ul>
 *
 * <p>Thread-safe. Private keys stay in memory.
 */
public final class CertificateCache {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateCache.class);
    /**
     * The least time between two mints for a session while the older certificate is still good: guards against a
     * gateway whose {@code renew_after} is already past (a skewed clock) turning every call into a mint.
     */
    static final Duration MIN_RENEW_INTERVAL = Duration.ofSeconds(10);

    private final CertificateIssuer issuer;
    private final SshKeyType keyType;
    private final Duration ttl;
    private final Duration expiryMargin;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Clock clock;
    private final CertificateListener listener;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private CertificateCache(Builder builder) {
        this.issuer = builder.issuer;
        this.keyType = builder.keyType;
        this.ttl = builder.ttl;
        this.expiryMargin = builder.expiryMargin;
        this.firstBackoff = builder.firstBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.clock = builder.clock;
        this.listener = builder.listener;
    }

    /**
     * {@return a builder for a cache that mints through {@code issuer}; every other setting has a default}
     *
     * @param issuer what mints the certificates
     */
    public static Builder builder(CertificateIssuer issuer) {
        return new Builder(issuer);
    }

    /**
     * A certificate for the session that is valid now, minting or renewing as needed.
     *
     * @param sessionId the session's id
     * @return a certificate for the session that is valid now, minting or renewing as needed
     * @throws IOException what the issuer threw, when no valid certificate is left to fall back on
     */
    public IssuedCertificate get(String sessionId) throws IOException {
        return get(sessionId, null);
    }

    /**
     * As {@link #get(String)}, waiting at most {@code timeout} for a mint (the issuer is asked to keep within it too).
     *
     * @param timeout how long to wait for a certificate, or null to wait as long as the issuer takes
     * @param sessionId the session's id
     * @return the certificate and its key pair
     * @throws ApiConnectionException if no certificate arrived in time
     */
    public IssuedCertificate get(String sessionId, Duration timeout) throws IOException {
        Checks.sessionId(sessionId);
        if (timeout != null) {
            Checks.positive(timeout, "timeout");
        }
        Entry entry = entries.get(sessionId);
        if (entry == null) {
            // a new session is the moment to drop sessions whose certificates (and private keys) have run out
            entries.values().removeIf(Entry::isSpent);
            entry = entries.computeIfAbsent(sessionId, Entry::new);
        }
        return entry.get(timeout);
    }

    /**
     * Forgets the session's certificate: the next {@link #get} mints. Sessions whose certificates have expired are
     * forgotten by themselves when another session is first asked for.
     *
     * @param sessionId the session's id
     */
    public void invalidate(String sessionId) {
        entries.remove(sessionId);
    }

    /** How many sessions have an entry; for tests. */
    int size() {
        return entries.size();
    }

    /**
     * The issuer this cache mints with.
     *
     * @return the issuer this cache mints with
     */
    public CertificateIssuer issuer() {
        return issuer;
    }

    @Override
    public String toString() {
        return "CertificateCache{" + entries.size() + " session(s), ttl=" + ttl + ", " + keyType + "}";
    }

    /** One session's certificate and its renewal state. */
    private final class Entry {
        private final String sessionId;
        private IssuedCertificate current;
        private Instant currentMintedAt;
        private CompletableFuture<IssuedCertificate> inFlight;
        private Instant retryNotBefore;
        private int failures;

        Entry(String sessionId) {
            this.sessionId = sessionId;
        }

        /** Whether its certificate has expired and no mint is under way (a new entry is never spent). */
        synchronized boolean isSpent() {
            return inFlight == null && current != null && !clock.instant().isBefore(current.validBefore());
        }

        IssuedCertificate get(Duration timeout) throws IOException {
            CompletableFuture<IssuedCertificate> mint;
            IssuedCertificate usable;
            boolean leader = false;
            synchronized (this) {
                Instant now = clock.instant();
                usable = current != null && now.isBefore(current.validBefore().minus(expiryMargin)) ? current : null;
                if (usable != null && (now.isBefore(usable.renewAfter())
                        || now.isBefore(currentMintedAt.plus(MIN_RENEW_INTERVAL)))) {
                    return usable;
                }
                if (usable != null && retryNotBefore != null && now.isBefore(retryNotBefore)) {
                    return usable;
                }
                if (inFlight == null) {
                    inFlight = new CompletableFuture<>();
                    leader = true;
                }
                mint = inFlight;
            }
            if (leader) {
                mint(mint, usable, timeout);
            }
            try {
                return timeout == null ? mint.get() : mint.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (usable != null) {
                    return usable;
                }
                throw new ApiConnectionException("No certificate for session " + sessionId + " arrived within "
                        + timeout.toMillis() + " ms (another caller's mint is still under way)", 0, null, null, e);
            } catch (ExecutionException e) {
                if (usable != null) {
                    return usable;
                }
                Throwable cause = e.getCause();
                if (cause instanceof IOException) {
                    throw (IOException) cause;
                }
                throw new IllegalStateException("Minting a certificate for session " + sessionId + " failed", cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for a certificate for session " + sessionId);
            }
        }

        private void mint(CompletableFuture<IssuedCertificate> mint, IssuedCertificate previous, Duration timeout) {
            IssuedCertificate fresh;
            try {
                fresh = timeout == null ? issuer.issue(sessionId, SshKeys.generate(keyType), ttl)
                        : issuer.issue(sessionId, SshKeys.generate(keyType), ttl, timeout);
            } catch (IOException | RuntimeException e) {
                IOException failure = e instanceof IOException ? (IOException) e
                        : new IOException("The certificate issuer failed for session " + sessionId + ": " + e, e);
                Instant nextAttempt;
                synchronized (this) {
                    failures++;
                    long factor = 1L << Math.min(failures - 1, 16);
                    Duration backoff = firstBackoff.multipliedBy(factor);
                    nextAttempt = clock.instant().plus(backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff);
                    retryNotBefore = nextAttempt;
                    inFlight = null;
                }
                if (previous != null) {
                    LOG.warn("Renewing the certificate of session {} failed; the current one stays in use until {}: {}",
                            sessionId, previous.validBefore(), failure.getMessage());
                }
                notifyFailure(failure, previous, nextAttempt);
                mint.completeExceptionally(failure);
                return;
            }
            boolean renewal;
            synchronized (this) {
                renewal = current != null;
                current = fresh;
                currentMintedAt = clock.instant();
                failures = 0;
                retryNotBefore = null;
                inFlight = null;
            }
            notifyIssued(fresh, renewal);
            mint.complete(fresh);
        }

        private void notifyIssued(IssuedCertificate fresh, boolean renewal) {
            try {
                listener.certificateIssued(sessionId, fresh, renewal);
            } catch (RuntimeException e) {
                LOG.warn("CertificateListener failed on certificateIssued", e);
            }
        }

        private void notifyFailure(IOException failure, IssuedCertificate previous, Instant nextAttempt) {
            try {
                listener.certificateRenewalFailed(sessionId, failure, previous, nextAttempt);
            } catch (RuntimeException e) {
                LOG.warn("CertificateListener failed on certificateRenewalFailed", e);
            }
        }
    }

    /** Configures a {@link CertificateCache}; each setter checks its value at once. */
    public static final class Builder {
        private final CertificateIssuer issuer;
        private SshKeyType keyType = SshKeyType.ED25519;
        private Duration ttl = Duration.ofMinutes(30);
        private Duration expiryMargin = Duration.ofSeconds(30);
        private Duration firstBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();
        private CertificateListener listener = CertificateListener.NONE;

        private Builder(CertificateIssuer issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
        }

        /**
         * The type of the key pairs generated for certificates; default Ed25519.
         *
         * @param keyType the algorithm of each fresh key pair; a key pair is generated for every mint
         * @return this builder
         */
        public Builder keyType(SshKeyType keyType) {
            this.keyType = Objects.requireNonNull(keyType, "keyType");
            return this;
        }

        /**
         * The lifetime asked for each certificate; default 30 minutes.
         *
         * @param ttl how long it should last
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            this.ttl = Checks.positive(ttl, "ttl");
            return this;
        }

        /**
         * A certificate this close to its end is no longer handed out; default 30 s (covers a slow handshake and clock skew).
         *
         * @param margin how long before its end a certificate counts as expired; zero hands it out to the last instant
         * @return this builder
         */
        public Builder expiryMargin(Duration margin) {
            this.expiryMargin = Checks.notNegative(margin, "expiryMargin");
            return this;
        }

        /**
         * The wait before retrying a failed renewal, doubling per failure up to {@code max}; default 1 s to 1 min.
         *
         * @param first the wait after the first failure; doubled for each further failure in a row
         * @param max the longest wait between two tries; not shorter than {@code first}
         * @return this builder
         */
        public Builder retryBackoff(Duration first, Duration max) {
            this.firstBackoff = Checks.positive(first, "first backoff");
            this.maxBackoff = Checks.positive(max, "max backoff");
            if (max.compareTo(first) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " is shorter than the first " + first);
            }
            return this;
        }

        /**
         * The clock that decides when to renew; default the system clock.
         *
         * @param clock the clock to read the time from
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Who hears of mints, renewals and renewal failures.
         *
         * @param listener the listener to tell
         * @return this builder
         */
        public Builder listener(CertificateListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }


        /** {@return a new {@code CertificateCache} with what was given to this builder} */
        public CertificateCache build() {
            return new CertificateCache(this);
        }
    }
}
