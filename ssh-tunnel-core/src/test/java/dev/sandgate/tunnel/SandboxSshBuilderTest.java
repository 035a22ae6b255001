package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SandboxSshBuilderTest {
    @Test
    void aMissingTokenIsNamed() {
        assumeTrue(System.getenv("SANDGATE_API_TOKEN") == null, "the environment provides a token");
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> SandboxSsh.builder().apiUrl("http://127.0.0.1:1/v1").build());
        assertTrue(missing.getMessage().contains("SANDGATE_API_TOKEN"), missing.getMessage());
    }

    @Test
    void aMissingApiUrlIsNamed() {
        assumeTrue(System.getenv("SANDGATE_API_URL") == null, "the environment provides a URL");
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> SandboxSsh.builder().token("t").build());
        assertTrue(missing.getMessage().contains("apiUrl(...)"), missing.getMessage());
    }

    /** The README's {@code .token(System.getenv("SANDGATE_API_TOKEN"))} with the variable unset. */
    @Test
    void aNullTokenSaysHowToGiveOne() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().apiUrl("http://127.0.0.1:1/v1").token(null));
        assertTrue(missing.getMessage().contains("token is missing"), missing.getMessage());
        assertTrue(missing.getMessage().contains("SANDGATE_API_TOKEN"), missing.getMessage());
    }

    @Test
    void aBlankTokenIsRefusedWithoutShowingIt() {
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().token(" \t "));
        assertTrue(blank.getMessage().contains("SANDGATE_API_TOKEN"), blank.getMessage());
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().token("s3cret-token\nX-Evil: 1"));
        assertFalse(broken.getMessage().contains("s3cret-token"), broken.getMessage());
    }

    @Test
    void aNullApiUrlSaysHowToGiveOne() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().apiUrl((String) null));
        assertTrue(missing.getMessage().contains("SANDGATE_API_URL"), missing.getMessage());
    }

    @Test
    void badValuesAreRefusedAtOnce() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().connectTimeout(Duration.ofSeconds(-1)));
        assertTrue(negative.getMessage().contains("connectTimeout"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SandboxSsh.builder().apiUrl("not a url"));
        assertThrows(IllegalArgumentException.class, () -> TransportOptions.builder().connectTimeout(Duration.ZERO));
    }

    /** A login of one's own names its own endpoints: no account token goes there unless given for them. */
    @Test
    void aLoginOfOnesOwnWithoutTunnelAuthOrTokenIsRefusedNamingBoth() {
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> SandboxSsh.builder()
                .keyLogin("user", dev.sandgate.cert.SshKeys.generate())
                .endpoints(id -> new dev.sandgate.cert.Endpoints(null,
                        new dev.sandgate.cert.Endpoints.WebSocket(java.net.URI.create("ws://127.0.0.1:9/" + id))))
                .knownHosts(java.nio.file.Path.of("known_hosts"))
                .build());
        assertTrue(missing.getMessage().contains("tunnelAuth(...)"), missing.getMessage());
        assertTrue(missing.getMessage().contains("token(...)"), missing.getMessage());
    }

    @Test
    void aLoginOfOnesOwnTakesHostTrustInsteadOfKnownHosts() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("accept-new", "");
        try (SandboxSsh ssh = SandboxSsh.builder()
                .keyLogin("user", dev.sandgate.cert.SshKeys.generate())
                .endpoints(id -> new dev.sandgate.cert.Endpoints(null,
                        new dev.sandgate.cert.Endpoints.WebSocket(java.net.URI.create("ws://127.0.0.1:9/" + id))))
                .hostTrust(HostTrust.acceptNew(file))
                .tunnelAuth(TunnelAuth.none())
                .build()) {
            assertTrue(ssh.toString().contains("acceptNew"), ssh.toString());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void aProviderRefusesTheBuildersOwnApiUrlOrToken() {
        SandboxProvider provider = context -> ConnectSteps.builder(
                LoginMethod.key("u", dev.sandgate.cert.SshKeys.generate())).build();
        IllegalStateException withToken = assertThrows(IllegalStateException.class,
                () -> SandboxSsh.builder().provider(provider).token("account-token-xyz").build());
        assertTrue(withToken.getMessage().contains("provider(...)"), withToken.getMessage());
        assertFalse(withToken.getMessage().contains("account-token-xyz"), withToken.getMessage());
        IllegalStateException withUrl = assertThrows(IllegalStateException.class,
                () -> SandboxSsh.builder().provider(provider).apiUrl("https://api.example.test/v1").build());
        assertTrue(withUrl.getMessage().contains("apiUrl(...)"), withUrl.getMessage());
    }
}
