package dev.sandgate.cert;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.sandgate.cert.internal.Checks;

/**
 * What to ask for when creating a sandbox session.
 *
 * <pre>{@code
 * NewSession request = NewSession.builder()
 *         .ttl(Duration.ofHours(2))
 *         .image("python:3.12")
 *         .metadata("owner", "build-42")
 *         .build();
 * }</pre>
 *
 * <p>{@link SandboxApi#createSession} sends an {@code Idempotency-Key}, so that its retries never make a second
 * session: a new random one per call, unless one is set here with {@link Builder#idempotencyKey(String)} (for example
 * a job id, so that a restarted job gets the session its first run made).
 */
public final class NewSession {
    private final Duration ttl;
    private final String image;
    private final Map<String, String> metadata;
    private final String sshPublicKey;
    private final String idempotencyKey;

    private NewSession(Builder builder) {
        this.idempotencyKey = builder.idempotencyKey;
        this.ttl = builder.ttl;
        this.image = builder.image;
        this.metadata = Map.copyOf(builder.metadata);
        this.sshPublicKey = builder.sshPublicKey;
    }

    /** {@return a builder with a one-hour ttl and no image, metadata, public key or idempotency key} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return how long the session is asked to live; one hour unless set} */
    public Duration ttl() {
        return ttl;
    }

    /** {@return the image, if there is one} */
    public Optional<String> image() {
        return Optional.ofNullable(image);
    }

    /** {@return the metadata entries to label the session with, in no particular order; empty when none were set} */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * An OpenSSH public key line to install in the session, if any.
     *
     * @return an OpenSSH public key line to install in the session, if any
     */
    public Optional<String> sshPublicKey() {
        return Optional.ofNullable(sshPublicKey);
    }

    /**
     * The {@code Idempotency-Key} set by the caller, if any; without one, each {@link SandboxApi#createSession} call
     * makes its own.
     *
     * @return the caller's idempotency key, if one was set
     */
    public Optional<String> idempotencyKey() {
        return Optional.ofNullable(idempotencyKey);
    }

    @Override
    public String toString() {
        return "NewSession{ttl=" + ttl + ", image=" + image + ", metadata=" + metadata
                + (idempotencyKey == null ? "" : ", idempotencyKey=" + idempotencyKey) + "}";
    }

    /** Builds a {@link NewSession}; each setter checks its argument at once. */
    public static final class Builder {
        private Duration ttl = Duration.ofHours(1);
        private String image;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private String sshPublicKey;
        private String idempotencyKey;

        private Builder() {
        }

        /**
         * How long the session lives; default one hour.
         *
         * @param ttl how long it should last
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            this.ttl = Checks.positive(ttl, "ttl");
            return this;
        }

        /**
         * The image the session starts from.
         *
         * @param image the image's name
         * @return this builder
         */
        public Builder image(String image) {
            this.image = Objects.requireNonNull(image, "image");
            return this;
        }

        /**
         * Adds one metadata entry to the session.
         *
         * @param key the entry's name; a second entry with the same name replaces the first
         * @param value the entry's value, stored as given
         * @return this builder
         */
        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Creates the session with this public key, so that it can be logged in to without minting.
         *
         * @param openSshLine the public key as one OpenSSH line
         * @return this builder
         */
        public Builder sshPublicKey(String openSshLine) {
            SshKeys.parsePublicKey(openSshLine);
            this.sshPublicKey = openSshLine.trim();
            return this;
        }

        /**
         * The {@code Idempotency-Key} to create the session with, instead of a random one per call: every
         * {@link SandboxApi#createSession} with this key and the same request answers the same session, for as long as
         * the gateway remembers the key (at least 24 hours, by the contract), while the same key with another
         * request is refused with {@link IdempotencyKeyReusedException}. A key is an identifier, not a secret: it may
         * appear in messages and logs.
         *
         * <pre>{@code
         * NewSession request = NewSession.builder().idempotencyKey("build-42-sandbox").build();
         * }</pre>
         *
         * @param key 1 to 255 visible ASCII characters (letters, digits, punctuation; no spaces or control
         *            characters), such as a UUID
         * @return this builder
         * @throws IllegalArgumentException if the key is empty, too long or has a character outside that range
         */
        public Builder idempotencyKey(String key) {
            this.idempotencyKey = Checks.idempotencyKey(key);
            return this;
        }

        /** {@return a new {@code NewSession} with what was given to this builder} */
        public NewSession build() {
            return new NewSession(this);
        }
    }
}
