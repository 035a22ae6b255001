package dev.sandgate.testkit;

import static dev.sandgate.testkit.TenkiClient.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing the Tenki fake ends every thread it started, with a WebSocket tunnel and an SSH login still open. */
@Timeout(60)
class TenkiFakeLifecycleTest {
    private static final Duration GRACE = Duration.ofSeconds(15);

    /** Threads started since {@code before} that are not the test's own clients' (JDK HTTP, MINA client, the bridge). */
    private static List<String> fakeThreadsSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(name -> !name.startsWith("HttpClient-") && !name.startsWith("sshd-SshClient")
                        && !name.startsWith("tenki-test-bridge") && !name.startsWith("ForkJoinPool"))
                .collect(Collectors.toList());
    }

    @Test
    void closeEndsAllItsThreadsWithTunnelsOpen() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        SshClient ssh = SshClient.setUpDefaultClient();
        ssh.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        ssh.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        ssh.start();
        TenkiFake tenki = TenkiFake.start();
        try {
            String sessionId = tenki.createSession();
            KeyPair keys = TenkiClient.newKeys();
            String token = tenki.token(TenkiFake.TokenKind.API_KEY);
            TenkiClient.Answer minted = TenkiClient.mint(http, tenki.apiUrl(), token, sessionId, keys.getPublic());
            assertEquals(200, minted.status(), minted.raw().body());
            try (TenkiClient.Bridge bridge = new TenkiClient.Bridge(http, tenki.webSocketUrl(sessionId), token)) {
                ClientSession session = ssh.connect("tenki", "127.0.0.1", bridge.port()).verify(TIMEOUT).getSession();
                session.addPublicKeyIdentity(new KeyPair(PublicKeyEntry.parsePublicKeyEntry(minted.body().get("sshCert")
                        .asText()).resolvePublicKey(null, null, null), keys.getPrivate()));
                session.auth().verify(TIMEOUT);
                assertEquals(1, tenki.traffic(sessionId).tunnelsOpened());
                // the check below sees the fake's threads while it runs: its event loops and the session's SSH server
                List<String> running = fakeThreadsSince(before);
                assertTrue(running.stream().anyMatch(name -> name.startsWith("tenki-fake-io")), running.toString());
                assertTrue(running.stream().anyMatch(name -> name.startsWith("sshd-SshServer")), running.toString());
                tenki.close();
                tenki.close();
                session.close(true);
            }
        } finally {
            tenki.close();
            ssh.stop();
        }
        long deadline = System.nanoTime() + GRACE.toNanos();
        List<String> left = fakeThreadsSince(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = fakeThreadsSince(before);
        }
        assertTrue(left.isEmpty(), "the Tenki fake left threads running " + GRACE.toSeconds() + " s after close: " + left);
    }
}
