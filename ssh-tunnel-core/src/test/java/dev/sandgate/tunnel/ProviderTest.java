package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.cert.SshKeys;
import dev.sandgate.testkit.LocalGateway;

/** Providers chosen with {@link SandboxSsh.Builder#provider}, and builder settings laid over their answers. */
class ProviderTest {
    @TempDir
    Path directory;

    private Path knownHosts(LocalGateway gateway, String sessionId) throws java.io.IOException {
        return Files.write(directory.resolve("known_hosts"), List.of(sessionId + " " + gateway.hostKeyLine(sessionId)));
    }

    @Test
    void theGenericProviderReachesASessionByWebSocketWithAKeyAndAKnownHostsFile() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
            KeyPair key = SshKeys.generate();
            String sessionId = GivenCredentialsTest.sessionFor(gateway, key);
            // a WebSocket-only session is named by its URL's host and port, as accept-new records it
            String name = "[127.0.0.1]:" + gateway.webSocketUrl(sessionId).getPort();
            Path knownHosts = Files.write(directory.resolve("known_hosts"),
                    List.of(name + " " + gateway.hostKeyLine(sessionId)));
            SandboxProvider provider = SandboxProvider.generic(LoginMethod.key(gateway.sshUsername(), key),
                    EndpointSource.webSocket(gateway::webSocketUrl), TunnelAuth.bearer(gateway.token()),
                    HostTrust.knownHosts(knownHosts));
            try (SandboxSsh ssh = SandboxSsh.builder().provider(provider).build();
                 SshConnection connection = ssh.connect(sessionId)) {
                assertEquals("generic\n", connection.exec("echo generic").stdoutText());
                assertEquals(0, gateway.certificatesMinted(sessionId));
            }
        }
    }

    @Test
    void builderSettingsOverrideTheProvidersAnswersAndItsResourcesCloseWithIt() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
            KeyPair key = SshKeys.generate();
            String sessionId = GivenCredentialsTest.sessionFor(gateway, key);
            Path knownHosts = knownHosts(gateway, sessionId);
            AtomicInteger closed = new AtomicInteger();
            // the provider's own answers would fail: no tunnel auth the gateway takes, no host it trusts
            SandboxProvider provider = context -> ConnectSteps.builder(LoginMethod.key(gateway.sshUsername(), key))
                    .endpoints(EndpointSource.connect(gateway.connectProxyUrl(), gateway::connectTarget))
                    .closeWith(closed::incrementAndGet)
                    .build();
            try (SandboxSsh ssh = SandboxSsh.builder().provider(provider)
                    .tunnelAuth(TunnelAuth.bearer(gateway.token()))
                    .hostTrust(HostTrust.knownHosts(knownHosts))
                    .build();
                 SshConnection connection = ssh.connect(sessionId)) {
                assertEquals(0, connection.exec("true").exitCode());
            }
            assertEquals(1, closed.get());
        }
    }

    @Test
    void aProviderWithoutItsOwnHostTrustRefusesWhatNoOneVouchedFor() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
            KeyPair key = SshKeys.generate();
            String sessionId = GivenCredentialsTest.sessionFor(gateway, key);
            SandboxProvider provider = context -> ConnectSteps.builder(LoginMethod.key(gateway.sshUsername(), key))
                    .endpoints(EndpointSource.connect(gateway.connectProxyUrl(), gateway::connectTarget))
                    .tunnelAuth(TunnelAuth.bearer(gateway.token()))
                    .build();
            try (SandboxSsh ssh = SandboxSsh.builder().provider(provider).build()) {
                assertThrows(HostKeyRejectedException.class, () -> ssh.connect(sessionId));
            }
        }
    }

    @Test
    void aProviderAndAGivenLoginAreNotBothTaken() {
        IllegalStateException both = assertThrows(IllegalStateException.class, () -> SandboxSsh.builder()
                .provider(context -> ConnectSteps.builder(LoginMethod.key("u", SshKeys.generate())).build())
                .keyLogin("u", SshKeys.generate())
                .build());
        assertTrue(both.getMessage().contains("provider(...)"), both.getMessage());
    }

    @Test
    void theSandgateProviderIsTheDefaultSpelledOut() throws Exception {
        try (LocalGateway gateway = LocalGateway.start();
             dev.sandgate.cert.SandboxApi api = GatewayClients.api(gateway);
             SandboxSsh ssh = SandboxSsh.builder()
                     .provider(SandboxProvider.sandgate(api, TunnelAuth.bearer(gateway.token())))
                     .build()) {
            String sessionId = gateway.newSession();
            try (SshConnection connection = ssh.connect(sessionId)) {
                assertEquals(0, connection.exec("true").exitCode());
                assertEquals(1, gateway.certificatesMinted(sessionId));
            }
        }
    }
}
