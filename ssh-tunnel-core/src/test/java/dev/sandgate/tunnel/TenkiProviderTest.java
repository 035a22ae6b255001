package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.cert.EndpointPolicy;
import dev.sandgate.cert.Refusal;
import dev.sandgate.cert.TenkiApi;
import dev.sandgate.testkit.TenkiFake;
import dev.sandgate.testkit.TenkiFakeExtension;

/** The Tenki provider through the door users use, {@code SandboxSsh.connect}, against the Tenki fake. */
class TenkiProviderTest {
    /** Long enough that the cache's 30 s expiry margin leaves it usable, renewed 2 s after each mint. */
    @RegisterExtension
    static final TenkiFakeExtension TENKI = new TenkiFakeExtension(TenkiFake.builder()
            .certificateLifetime(Duration.ofSeconds(90)).renewalAfter(Duration.ofSeconds(2)));

    @TempDir
    Path directory;

    /** How the gateway is found. */
    enum Gateway { DISCOVERED, GIVEN_BY_ENVIRONMENT }

    /** A provider with the API and gateway set the way a Tenki user sets them: in the environment. */
    static TenkiProvider provider(TenkiFake tenki, String token, Gateway gateway, HostTrust hostTrust) {
        Map<String, String> env = new HashMap<>();
        env.put(TenkiApi.ENV_AUTH_TOKEN, token);
        if (gateway == Gateway.DISCOVERED) {
            // the default discovery answer lists the fake on 127.0.0.1
            env.put(TenkiApi.ENV_API_ENDPOINT, tenki.apiUrl().toString());
        } else {
            // the API on a name whose derived gateway would be sandbox-gateway.tenki.test: the override must win
            env.put(TenkiApi.ENV_API_URL, tenki.apiUrl(TenkiFake.API_HOST).toString());
            env.put(TenkiApi.ENV_GATEWAY_URL, tenki.gatewayUrl().toString());
        }
        return SandboxProvider.tenki().environment(env::get).hostTrust(hostTrust).build();
    }

    static SandboxSsh ssh(TenkiProvider provider) {
        // api.tenki.test over plain http is the fake's, not a real host's
        return SandboxSsh.builder().provider(provider).endpointPolicy(EndpointPolicy.requireTls().allowCleartext())
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    Path knownHosts(TenkiFake tenki) throws IOException {
        return Files.write(directory.resolve("known_hosts"),
                List.of("[127.0.0.1]:" + tenki.port() + " " + tenki.gatewayHostKeyLine()));
    }

    @Nested
    class EachTokenKindAndGateway {
        @Test
        void aCommandRunsAFileMovesBySftpAndTheCertificateIsRenewedAfterRenewalAfter() throws Exception {
            TenkiFake tenki = TENKI.fake();
            HostTrust trust = HostTrust.knownHosts(knownHosts(tenki));
            List<String> sessions = new ArrayList<>();
            List<SandboxSsh> clients = new ArrayList<>();
            List<String> cases = new ArrayList<>();
            try {
                for (TenkiFake.TokenKind kind : TenkiFake.TokenKind.values()) {
                    for (Gateway gateway : Gateway.values()) {
                        sessions.add(tenki.createSession());
                        clients.add(ssh(provider(tenki, tenki.token(kind), gateway, trust)));
                        cases.add(kind + "/" + gateway);
                    }
                }
                long[] serials = new long[sessions.size()];
                for (int i = 0; i < sessions.size(); i++) {
                    int before = tenki.upgrades().size();
                    try (SshConnection connection = clients.get(i).connect(sessions.get(i))) {
                        assertEquals(cases.get(i) + "\n", connection.exec("echo " + cases.get(i)).stdoutText());
                        movesAFileBySftp(connection, cases.get(i));
                        serials[i] = connection.issuedCertificate().orElseThrow().credentials().certificate().serial();
                    }
                    TenkiFake.Upgrade upgrade = tenki.upgrades().get(before);
                    assertTrue(upgrade.host().startsWith("127.0.0.1:"), cases.get(i) + ": " + upgrade);
                    assertEquals(TenkiFake.TokenKind.values()[i / 2], upgrade.credential(), cases.get(i));
                    assertEquals(1, tenki.certificatesMinted(sessions.get(i)), cases.get(i));
                }
                // renewalAfter (2 s) has passed, and the cache's least interval between mints (10 s)
                Thread.sleep(10_500);
                for (int i = 0; i < sessions.size(); i++) {
                    try (SshConnection connection = clients.get(i).connect(sessions.get(i))) {
                        assertEquals(0, connection.exec("true").exitCode(), cases.get(i));
                        assertNotEquals(serials[i],
                                connection.issuedCertificate().orElseThrow().credentials().certificate().serial());
                    }
                    assertEquals(2, tenki.certificatesMinted(sessions.get(i)), cases.get(i));
                }
            } finally {
                for (SandboxSsh client : clients) {
                    client.close();
                }
            }
        }

        private void movesAFileBySftp(SshConnection connection, String text) throws IOException {
            byte[] content = (text + "\n").repeat(10_000).getBytes(StandardCharsets.UTF_8);
            try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(connection.clientSession())) {
                try (OutputStream out = sftp.write("moved.txt")) {
                    out.write(content);
                }
                try (InputStream in = sftp.read("moved.txt")) {
                    assertArrayEquals(content, in.readAllBytes());
                }
            }
        }

        @Test
        void derivedGatewayIsReachedWhenDiscoveryFails() throws Exception {
            TenkiFake tenki = TENKI.fake();
            String sessionId = tenki.createSession();
            Path knownHosts = Files.write(directory.resolve("derived_known_hosts"), List.of("[" + TenkiFake.GATEWAY_HOST
                    + "]:" + tenki.port() + " " + tenki.gatewayHostKeyLine()));
            tenki.failDiscovery("unavailable");
            TenkiProvider provider = SandboxProvider.tenki().environment(name -> null)
                    .token(tenki.token(TenkiFake.TokenKind.SESSION_TOKEN)).apiUrl(tenki.apiUrl(TenkiFake.API_HOST))
                    .knownHosts(knownHosts).build();
            try (SandboxSsh ssh = ssh(provider); SshConnection connection = ssh.connect(sessionId)) {
                assertEquals(0, connection.exec("true").exitCode());
                assertEquals(URI.create("ws://" + TenkiFake.GATEWAY_HOST + ":" + tenki.port() + "/v1/ssh/" + sessionId),
                        connection.issuedCertificate().orElseThrow().endpoints().webSocket().orElseThrow().url());
            } finally {
                tenki.gatewaysListed(tenki.gateway("127.0.0.1"));
            }
        }
    }

    @Nested
    class Refusals {
        @Test
        void aWrongTokenAnUnknownSessionAndAPausedSessionAreTypedAsWithTheDefaultProvider() throws Exception {
            TenkiFake tenki = TENKI.fake();
            HostTrust trust = HostTrust.knownHosts(knownHosts(tenki));
            String running = tenki.createSession();
            String paused = tenki.createSession();
            tenki.pauseSession(paused);
            try (SandboxSsh wrong = ssh(provider(tenki, "tk_wrong", Gateway.DISCOVERED, trust));
                 SandboxSsh other = ssh(provider(tenki, tenki.newAccountToken(TenkiFake.TokenKind.COOKIE),
                         Gateway.DISCOVERED, trust));
                 SandboxSsh ssh = ssh(provider(tenki, tenki.token(TenkiFake.TokenKind.API_KEY), Gateway.DISCOVERED,
                         trust))) {
                assertRefused(Refusal.UNAUTHORIZED, () -> wrong.connect(running));
                assertRefused(Refusal.FORBIDDEN, () -> other.connect(running));
                assertRefused(Refusal.SESSION_NOT_FOUND, () -> ssh.connect("no-such-session"));
                assertRefused(Refusal.SESSION_NOT_RUNNING, () -> ssh.connect(paused));
                // a certificate still cached skips the API: the gateway's 409 is typed the same
                ssh.connect(running).close();
                tenki.pauseSession(running);
                try {
                    assertRefused(Refusal.SESSION_NOT_RUNNING, () -> ssh.connect(running));
                } finally {
                    tenki.resumeSession(running);
                }
            }
        }

        private void assertRefused(Refusal refusal, org.junit.jupiter.api.function.Executable connect) {
            IOException e = assertThrows(IOException.class, connect);
            assertEquals(refusal, Refusal.of(e).orElse(null), () -> e.toString());
            assertFalse(e.getMessage().contains("tk_wrong"), e.getMessage());
        }

        @Test
        void noHostTrustIsNoDefault() {
            IllegalStateException none = assertThrows(IllegalStateException.class,
                    () -> SandboxProvider.tenki().token("tk_x").build());
            assertTrue(none.getMessage().contains("acceptNewHostKeys"), none.getMessage());
        }
    }

    @Test
    void acceptNewRecordsTheGatewayKeyAndRefusesARotatedOne() throws Exception {
        try (TenkiFake tenki = TenkiFake.start()) {
            String sessionId = tenki.createSession();
            Path recorded = directory.resolve("sandgate_known_hosts");
            TenkiProvider provider = provider(tenki, tenki.token(TenkiFake.TokenKind.API_KEY), Gateway.DISCOVERED,
                    HostTrust.acceptNew(recorded));
            try (SandboxSsh ssh = ssh(provider); SshConnection connection = ssh.connect(sessionId)) {
                assertEquals(0, connection.exec("true").exitCode());
            }
            String line = Files.readString(recorded);
            assertTrue(line.contains("[127.0.0.1]:" + tenki.port()), line);
            assertTrue(line.contains(tenki.gatewayHostKeyLine().split(" ")[1]), line);
            // a second client, as a later process would be: the recorded key is checked, not recorded again
            try (SandboxSsh ssh = ssh(provider); SshConnection connection = ssh.connect(tenki.createSession())) {
                assertEquals(0, connection.exec("true").exitCode());
            }
            assertEquals(line, Files.readString(recorded));
            tenki.rotateGatewayHostKey();
            try (SandboxSsh ssh = ssh(provider)) {
                HostKeyRejectedException rejected = assertThrows(HostKeyRejectedException.class,
                        () -> ssh.connect(sessionId));
                assertTrue(rejected.getMessage().contains(recorded.toString()), rejected.getMessage());
            }
            assertEquals(line, Files.readString(recorded));
        }
    }

    /** The connect time through the fake, warm JVM: {@code -Dsandgate.measure=true}. Prints, asserts nothing. */
    @Test
    @EnabledIfSystemProperty(named = "sandgate.measure", matches = "true")
    void measureConnectTime() throws Exception {
        TenkiFake tenki = TENKI.fake();
        TenkiProvider provider = provider(tenki, tenki.token(TenkiFake.TokenKind.API_KEY), Gateway.DISCOVERED,
                HostTrust.knownHosts(knownHosts(tenki)));
        try (SandboxSsh ssh = ssh(provider)) {
            for (int i = 0; i < 20; i++) {
                ssh.connect(tenki.createSession()).close();
            }
            long[] minted = new long[10];
            long[] cached = new long[10];
            for (int i = 0; i < 10; i++) {
                String sessionId = tenki.createSession();
                long start = System.nanoTime();
                SshConnection first = ssh.connect(sessionId);
                minted[i] = System.nanoTime() - start;
                first.close();
                start = System.nanoTime();
                SshConnection again = ssh.connect(sessionId);
                cached[i] = System.nanoTime() - start;
                again.close();
            }
            Arrays.sort(minted);
            Arrays.sort(cached);
            System.out.printf("Tenki fake connect, median of 10: mint+discovery+tunnel+ssh %.1f ms (min %.1f, max %.1f);"
                    + " cached certificate %.1f ms (min %.1f, max %.1f)%n", (minted[4] + minted[5]) / 2e6,
                    minted[0] / 1e6, minted[9] / 1e6, (cached[4] + cached[5]) / 2e6, cached[0] / 1e6, cached[9] / 1e6);
        }
    }
}
