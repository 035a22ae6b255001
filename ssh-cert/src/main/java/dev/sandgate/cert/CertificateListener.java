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
     * @param certificate the certificate
     * @param sessionId the session's id
     * @param renewal the renewal
     */
    default void certificateIssued(String sessionId, IssuedCertificate certificate, boolean renewal) {
    }

    /**
     * Minting failed.
     *
     * @param cause the failure underneath, or null
     * @param sessionId the session's id
     * @param stillInUse  the older certificate that stays in use until it expires, or null when there is none
     * @param nextAttempt the earliest time a renewal is tried again
     */
    default void certificateRenewalFailed(String sessionId, IOException cause, IssuedCertificate stillInUse,
            Instant nextAttempt) {
    }
}
