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
 */
public final class NewSession {
    private final Duration ttl;
    private final String image;
    private final Map<String, String> metadata;
    private final String sshPublicKey;

    private NewSession(Builder builder) {
        this.ttl = builder.ttl;
        this.image = builder.image;
        this.metadata = Map.copyOf(builder.metadata);
        this.sshPublicKey = builder.sshPublicKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration ttl() {
        return ttl;
    }

    public Optional<String> image() {
        return Optional.ofNullable(image);
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** An OpenSSH public key line to install in the session, if any. */
    public Optional<String> sshPublicKey() {
        return Optional.ofNullable(sshPublicKey);
    }

    @Override
    public String toString() {
        return "NewSession{ttl=" + ttl + ", image=" + image + ", metadata=" + metadata + "}";
    }

    /** Builds a {@link NewSession}; each setter checks its argument at once. */
    public static final class Builder {
        private Duration ttl = Duration.ofHours(1);
        private String image;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private String sshPublicKey;

        private Builder() {
        }

        /** How long the session lives; default one hour. */
        public Builder ttl(Duration ttl) {
            this.ttl = Checks.positive(ttl, "ttl");
            return this;
        }

        public Builder image(String image) {
            this.image = Objects.requireNonNull(image, "image");
            return this;
        }

        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder sshPublicKey(String openSshLine) {
            SshKeys.parsePublicKey(openSshLine);
            this.sshPublicKey = openSshLine.trim();
            return this;
        }

        public NewSession build() {
            return new NewSession(this);
        }
    }
}
