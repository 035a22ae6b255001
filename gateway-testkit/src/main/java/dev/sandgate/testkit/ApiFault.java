package dev.sandgate.testkit;

import java.time.Duration;
import java.util.Objects;

import dev.sandgate.testkit.internal.FaultRule;

/**
 * A fault the {@link LocalGateway}'s REST API injects into its next matching calls, for testing how clients cope.
 *
 * <pre>{@code
 * gateway.injectApiFault(ApiFault.status(500).onGets().times(2));          // two failing GETs, then normal
 * gateway.injectApiFault(ApiFault.rateLimited(Duration.ofSeconds(1)));    // one 429 with Retry-After: 1
 * gateway.injectApiFault(ApiFault.certificateForAnotherKey().onMints());  // a mint that answers with the wrong key
 * gateway.injectApiFault(ApiFault.answerField("/username", "root\nHost *").onMints()); // a hostile field in a sound answer
 * gateway.injectApiFault(ApiFault.answerLate(Duration.ofSeconds(3)).onSessionCreation()); // made, but answered late
 * }</pre>
 *
 * <p>Each fault comes from a factory named for what it does; {@link #onMints()}, {@link #onSessionCreation()},
 * {@link #onGets()} and {@link #times(int)} then say which calls it hits, each returning a new fault. By default a
 * fault hits the next single call of any kind. Faults are immutable: one may be injected again, and each injection
 * hits its own calls. Faults hit calls in the order they were injected.
 */
public final class ApiFault {
    private static final String MINT_PATH = "/v1/sessions/[^/]+/ssh/certificates";
    private static final String SESSIONS_PATH = "/v1/sessions";

    /** What the fault does and which calls it hits; the factories below are the only way to make one. */
    private final FaultRule rule;

    private ApiFault(FaultRule.Builder rule) {
        this.rule = rule.build();
    }

    /**
     * Answer with this status and the contract's error body (e.g. 401, 403, 404, 409, 500, 503).
     *
     * @param status the HTTP status
     * @return the fault, to inject
     */
    public static ApiFault status(int status) {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.STATUS).status(errorStatus(status)));
    }

    /**
     * Answer 503 with {@code Retry-After}.
     *
     * @param retryAfter what {@code Retry-After} says, in whole seconds: how long a client should wait
     * @return the fault, to inject
     */
    public static ApiFault unavailable(Duration retryAfter) {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.STATUS).status(503)
                .duration(Objects.requireNonNull(retryAfter, "retryAfter")));
    }

    /**
     * Answer 429 with {@code Retry-After} and the {@code X-RateLimit-*} headers.
     *
     * @param retryAfter what {@code Retry-After} says, in whole seconds: how long a client should wait
     * @return the fault, to inject
     */
    public static ApiFault rateLimited(Duration retryAfter) {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.STATUS).status(429)
                .duration(Objects.requireNonNull(retryAfter, "retryAfter")));
    }

    /**
     * Answer with a success status and a body that is not JSON.
     *
     * @return the fault, to inject
     */
    public static ApiFault malformedJson() {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.MALFORMED_JSON));
    }

    /**
     * Wait this long, then answer normally: slower than the client's timeout, it looks like a hung API.
     *
     * @param delay how long the gateway waits before it answers
     * @return the fault, to inject
     */
    public static ApiFault delay(Duration delay) {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.DELAY).duration(Objects.requireNonNull(delay, "delay")));
    }

    /**
     * Do the call (create the session, mint the certificate), then hold its answer this long: a client whose timeout
     * is shorter gives up on a call that succeeded, as when a proxy or a slow network loses the answer. Unlike
     * {@link #delay}, which waits before doing anything.
     *
     * <pre>{@code
     * gateway.injectApiFault(ApiFault.answerLate(Duration.ofSeconds(3)).onSessionCreation());
     * }</pre>
     *
     * @param delay how long the answer is held after the call is done
     * @return the fault, to inject
     */
    public static ApiFault answerLate(Duration delay) {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.LATE_ANSWER)
                .duration(Objects.requireNonNull(delay, "delay")));
    }

    /**
     * Mint a certificate for a key other than the one sent. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault certificateForAnotherKey() {
        return mintFault(FaultRule.Kind.CERTIFICATE_FOR_ANOTHER_KEY);
    }

    /**
     * Mint a certificate that has already expired. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault expiredCertificate() {
        return mintFault(FaultRule.Kind.EXPIRED_CERTIFICATE);
    }

    /**
     * Mint a host certificate instead of a user certificate. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault hostCertificate() {
        return mintFault(FaultRule.Kind.HOST_CERTIFICATE);
    }

    /**
     * Mint a certificate that becomes valid only in an hour. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault notYetValidCertificate() {
        return mintFault(FaultRule.Kind.NOT_YET_VALID_CERTIFICATE);
    }

    /**
     * Mint a certificate valid for ten years, whatever lifetime was asked. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault longLivedCertificate() {
        return mintFault(FaultRule.Kind.LONG_LIVED_CERTIFICATE);
    }

    /**
     * Mint a certificate for the principal {@code root} instead of the session. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault foreignPrincipalsCertificate() {
        return mintFault(FaultRule.Kind.FOREIGN_PRINCIPALS_CERTIFICATE);
    }

    /**
     * Mint a certificate with a critical option no client knows. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault unknownCriticalOptionCertificate() {
        return mintFault(FaultRule.Kind.UNKNOWN_CRITICAL_OPTION_CERTIFICATE);
    }

    /**
     * Mint a certificate signed with SHA-1 ({@code ssh-rsa}) by an RSA CA. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault sha1SignedCertificate() {
        return mintFault(FaultRule.Kind.SHA1_SIGNED_CERTIFICATE);
    }

    /**
     * Mint a certificate whose CA signature does not verify (one byte of it changed). Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault brokenSignatureCertificate() {
        return mintFault(FaultRule.Kind.BROKEN_SIGNATURE_CERTIFICATE);
    }

    /**
     * Mint a certificate signed (with SHA-512) by an RSA CA of only 1024 bits. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault smallRsaCaCertificate() {
        return mintFault(FaultRule.Kind.SMALL_RSA_CA_CERTIFICATE);
    }

    /**
     * Mint a sound certificate but list other principals in the answer's {@code principals} field. Applies to mints only.
     *
     * @return the fault, to inject
     */
    public static ApiFault mismatchedPrincipalsField() {
        return mintFault(FaultRule.Kind.MISMATCHED_PRINCIPALS_FIELD);
    }

    private static ApiFault mintFault(FaultRule.Kind kind) {
        return new ApiFault(FaultRule.builder(kind).on("POST", MINT_PATH));
    }

    /**
     * Answer 307 with this {@code Location}: a client must not follow it, nor send its token there.
     *
     * @param location the {@code Location} header's value, sent as it is; any URL, even another host's
     * @return the fault, to inject
     */
    public static ApiFault redirect(String location) {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.REDIRECT).status(307)
                .text(Objects.requireNonNull(location, "location")));
    }

    /**
     * Answer with a success status and a JSON body of about {@code bytes} bytes, bigger than any real answer. The
     * body is streamed 1 MiB at a time, each once the last was written, so the gateway holds 1 MiB however large
     * it is, and stops when the client goes away.
     *
     * @param bytes the body's approximate length in bytes; positive
     * @return the fault, to inject
     */
    public static ApiFault oversizedBody(long bytes) {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.OVERSIZED_BODY).bytes(positive(bytes)));
    }

    /**
     * Answer with this error status and an error body of about {@code bytes} bytes, streamed as for {@link #oversizedBody}.
     *
     * @param status the HTTP status
     * @param bytes the body's approximate length in bytes; positive
     * @return the fault, to inject
     */
    public static ApiFault oversizedErrorBody(int status, long bytes) {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.OVERSIZED_BODY).status(errorStatus(status))
                .bytes(positive(bytes)));
    }

    private static int errorStatus(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("A fault status must be 4xx or 5xx, got " + status);
        }
        return status;
    }

    private static long positive(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be positive, got " + bytes);
        }
        return bytes;
    }

    /**
     * Answer with this error status and the contract's error body carrying this message, as it is (newlines too).
     *
     * @param status the HTTP status
     * @param message what went wrong, with no secret in it
     * @return the fault, to inject
     */
    public static ApiFault errorMessage(int status, String message) {
        return new ApiFault(FaultRule.builder(FaultRule.Kind.ERROR_MESSAGE).status(errorStatus(status))
                .text(Objects.requireNonNull(message, "message")));
    }

    /**
     * Answer normally, but with this string at {@code pointer} in the JSON answer: a sound answer with one hostile
     * field, such as a {@code username} holding a newline, a {@code session_id} with terminal escapes or an endpoint
     * host with a space. Combine with {@link #onMints()} or {@link #onGets()}; an answer that is not JSON, or has no
     * place for the pointer, is sent unchanged.
     *
     * <pre>{@code
     * gateway.injectApiFault(ApiFault.answerField("/username", "x\nMatch exec \"touch /tmp/pwned\"").onMints());
     * gateway.injectApiFault(ApiFault.answerField("/endpoints/connect/target", "evil host:22").onMints());
     * gateway.injectApiFault(ApiFault.answerField("/sessions/0/session_id", "sess-1\033[2J").onGets());
     * }</pre>
     *
     * @param pointer a JSON Pointer (RFC 6901) such as {@code /username}, {@code /principals/0} or
     *                {@code /endpoints/websocket/url}; the last step may name a field the answer lacks
     * @param value   the string to put there, as it is (control characters too)
     * @return the fault, to inject
     * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer to a field or element
     */
    public static ApiFault answerField(String pointer, String value) {
        return answerFieldJson(pointer, com.fasterxml.jackson.databind.node.TextNode.valueOf(
                Objects.requireNonNull(value, "value")).toString());
    }

    /**
     * As {@link #answerField(String, String)}, with any JSON value written out: a number the client must refuse
     * (a negative {@code serial}, one past 2^64), an array, an object or {@code null}.
     *
     * <pre>{@code
     * gateway.injectApiFault(ApiFault.answerFieldJson("/serial", "18446744073709551616").onMints());
     * }</pre>
     *
     * @param pointer a JSON Pointer (RFC 6901) such as {@code /serial}
     * @param json    the JSON text of the value
     * @return the fault, to inject
     * @throws IllegalArgumentException if {@code pointer} is not a JSON Pointer to a field or element, or {@code json}
     *                                  is not JSON
     */
    public static ApiFault answerFieldJson(String pointer, String json) {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(json, "json");
        if (pointer.isEmpty() || com.fasterxml.jackson.core.JsonPointer.compile(pointer).tail() == null) {
            throw new IllegalArgumentException("pointer must name a field or element, such as /username; got '"
                    + pointer + "'");
        }
        try {
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Not a JSON value: " + json, e);
        }
        return new ApiFault(FaultRule.builder(FaultRule.Kind.ANSWER_FIELD).text(pointer).value(json));
    }

    /**
     * Hit only certificate mints ({@code POST /sessions/{id}/ssh/certificates}).
     *
     * @return the fault, to inject
     */
    public ApiFault onMints() {
        return new ApiFault(rule.toBuilder().on("POST", MINT_PATH));
    }

    /**
     * Hit only session creations ({@code POST /sessions}).
     *
     * @return the fault, to inject
     */
    public ApiFault onSessionCreation() {
        return new ApiFault(rule.toBuilder().on("POST", SESSIONS_PATH));
    }

    /**
     * Hit only GETs.
     *
     * @return the fault, to inject
     */
    public ApiFault onGets() {
        return new ApiFault(rule.toBuilder().on("GET", null));
    }

    /**
     * Hit the next {@code count} matching calls instead of one.
     *
     * @param count how many matching calls it hits (at least 1)
     * @return the fault, to inject
     */
    public ApiFault times(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + count);
        }
        return new ApiFault(rule.toBuilder().times(count));
    }

    FaultRule toRule() {
        return rule;
    }

    @Override
    public String toString() {
        return "ApiFault{" + rule + "}";
    }
}
