package dev.sandgate.cert;

import java.io.IOException;
import java.time.Instant;

/**
 * Hears what a {@link CertificateCache} does, for logs, metrics and alerts. Every method does nothing by default;
 * override what you need. Methods run on the thread that minted, and must not block.
 *
 * <pre>{@code
 * CertificateListener metrics = new CertificateListener() {
 *     @Override
 *     public void certificateRenewalFailed(String sessionId, IOException cause, IssuedCertificate stillInUse,
 *             Instant nextAttempt) {
 *         renewalFailures.increment();
 *     }
 * };
 * }</pre>
 */
public interface CertificateListener {
    /** A listener that does nothing. */
    CertificateListener NONE = new CertificateListener() {
    };

    /**
     * A certificate was minted for a session: its first ({@code renewal} false) or a renewal.
     *
     * @param certificate the new certificate, already in use for the next logins
     * @param sessionId the session's id
     * @param renewal false for the session's first certificate, true when it replaces an earlier one
     */
    default void certificateIssued(String sessionId, IssuedCertificate certificate, boolean renewal) {
    }

    /**
     * Minting failed.
     *
     * @param cause what the issuer threw; an unchecked exception arrives wrapped in an {@code IOException}
     * @param sessionId the session's id
     * @param stillInUse  the older certificate that stays in use until it expires, or null when there is none
     * @param nextAttempt the earliest time a renewal is tried again
     */
    default void certificateRenewalFailed(String sessionId, IOException cause, IssuedCertificate stillInUse,
            Instant nextAttempt) {
    }
}
