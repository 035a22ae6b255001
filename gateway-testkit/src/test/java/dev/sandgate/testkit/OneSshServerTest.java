package dev.sandgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One SSH server serves every session of a gateway: a connection is the session's its tunnel (or direct listener) was
 * opened for, whatever certificate it offers, and sees only that session's directory; a session's end closes its
 * connections only.
 */
class OneSshServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static SshClient client;

    @BeforeAll
    static void startClient() {
        client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        // host keys are checked elsewhere; this accepts each without a warning per connection
        client.setServerKeyVerifier((session, address, key) -> true);
        client.start();
    }

    @AfterAll
    static void stopClient() {
        client.stop();
    }

    private static LocalGateway gateway() {
        return GATEWAY.gateway();
    }

    /** A local port whose connections become CONNECT tunnels to one session of the gateway. */
    static final class ConnectBridge implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        ConnectBridge(LocalGateway gateway, String sessionId) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket accepted = server.accept();
                        sockets.add(accepted);
                        Socket tunnel = new Socket("127.0.0.1", gateway.connectProxyUrl().getPort());
                        sockets.add(tunnel);
                        tunnel.getOutputStream().write(("CONNECT " + gateway.connectTarget(sessionId) + " HTTP/1.1\r\n"
                                + "Host: " + gateway.connectTarget(sessionId) + "\r\nProxy-Authorization: Bearer "
                                + gateway.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        String head = readHead(tunnel.getInputStream());
                        if (!head.startsWith("HTTP/1.1 200")) {
                            accepted.close();
                            tunnel.close();
                            continue;
                        }
                        pipe(accepted, tunnel);
                        pipe(tunnel, accepted);
                    }
                } catch (IOException e) {
                    // the bridge closed
                }
            }, "one-ssh-server-test-bridge");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("The gateway closed before answering: " + head);
                }
                head.append((char) b);
            }
            return head.toString();
        }

        private static void pipe(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    byte[] buffer = new byte[32 * 1024];
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                    }
                } catch (IOException e) {
                    // one side ended
                } finally {
                    try {
                        to.close();
                        from.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
            }, "one-ssh-server-test-pipe");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** An SSH connection to a port, offering a fresh key with a user certificate naming these principals. */
    private static ClientSession connect(int port, List<String> principals) throws Exception {
        KeyPair keys = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Instant now = Instant.now();
        String line = gateway().signUserCertificate(keys.getPublic(), principals, now.minusSeconds(60),
                now.plusSeconds(600));
        PublicKey certificate = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, null);
        ClientSession session = client.connect(gateway().sshUsername(), "127.0.0.1", port).verify(TIMEOUT).getSession();
        session.addPublicKeyIdentity(new KeyPair(certificate, keys.getPrivate()));
        return session;
    }

    private static boolean logsIn(int port, List<String> principals) throws Exception {
        try (ClientSession session = connect(port, principals)) {
            session.auth().verify(TIMEOUT);
            return true;
        } catch (SshException refused) {
            return false;
        }
    }

    private static String exec(ClientSession session, String command) throws IOException {
        try (ChannelExec exec = session.createExecChannel(command)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            exec.setOut(out);
            exec.open().verify(TIMEOUT);
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aCertificateForOneSessionIsRefusedOnAnotherSessionsTunnel() throws Exception {
        String a = gateway().newSession();
        String b = gateway().newSession();
        try (ConnectBridge toB = new ConnectBridge(gateway(), b)) {
            assertFalse(logsIn(toB.port(), List.of(a)));
            assertTrue(logsIn(toB.port(), List.of(b)));
            // naming both sessions does not make B's tunnel A's
            try (ClientSession both = connect(toB.port(), List.of(a, b))) {
                both.auth().verify(TIMEOUT);
                assertEquals(gateway().sessionDirectory(b) + "\n", exec(both, "pwd"));
            }
        }
        assertEquals(0, gateway().traffic(a).tunnelsOpened());
    }

    @Test
    void aCertificateForOneSessionIsRefusedOnAnotherSessionsDirectPort() throws Exception {
        String a = gateway().newSession();
        String b = gateway().newSession();
        assertFalse(logsIn(gateway().sshPortForTests(b), List.of(a)));
        assertTrue(logsIn(gateway().sshPortForTests(a), List.of(a)));
        assertTrue(gateway().sshPortForTests(a) != gateway().sshPortForTests(b));
    }

    @Test
    void oneSessionsFilesAreNotInAnothersHome() throws Exception {
        String a = gateway().newSession();
        String b = gateway().newSession();
        Files.writeString(gateway().sessionDirectory(a).resolve("only-in-a.txt"), "a");
        try (ConnectBridge toB = new ConnectBridge(gateway(), b);
                ClientSession session = connect(toB.port(), List.of(b))) {
            session.auth().verify(TIMEOUT);
            try (SftpClient sftp = SftpSessions.sftp(session)) {
                List<String> names = new ArrayList<>();
                sftp.readDir(".").forEach(entry -> names.add(entry.getFilename()));
                assertFalse(names.contains("only-in-a.txt"), names.toString());
                assertThrows(IOException.class, () -> sftp.stat("only-in-a.txt"));
            }
            assertEquals("", exec(session, "ls"));
        }
    }

    @Test
    void twoHundredSessionsOnOneServerEachSeeTheirOwnDirectory() throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sessions.add(gateway().newSession());
        }
        // through tunnels and directly, each login lands in its own session's directory; several logins at once
        java.util.concurrent.ExecutorService logins = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int i = 0; i < sessions.size(); i++) {
                String id = sessions.get(i);
                boolean direct = i % 4 == 0;
                done.add(logins.submit(() -> {
                    Files.writeString(gateway().sessionDirectory(id).resolve("mine"), id);
                    try (ConnectBridge bridge = direct ? null : new ConnectBridge(gateway(), id);
                            ClientSession session = connect(direct ? gateway().sshPortForTests(id) : bridge.port(),
                                    List.of(id))) {
                        session.auth().verify(TIMEOUT);
                        // over SFTP, which starts no process: 200 of those are slow on a busy machine
                        try (SftpClient sftp = SftpSessions.sftp(session);
                                InputStream mine = sftp.read("mine")) {
                            assertEquals(gateway().sessionDirectory(id).toRealPath().toString(), sftp.canonicalPath("."));
                            assertEquals(id, new String(mine.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> login : done) {
                login.get(2, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            logins.shutdownNow();
        }
    }

    @Test
    void aSessionsEndClosesItsConnectionsOnly() throws Exception {
        String a = gateway().newSession();
        String b = gateway().newSession();
        try (ConnectBridge toA = new ConnectBridge(gateway(), a);
                ConnectBridge toB = new ConnectBridge(gateway(), b);
                ClientSession tunnelA = connect(toA.port(), List.of(a));
                ClientSession directA = connect(gateway().sshPortForTests(a), List.of(a));
                ClientSession tunnelB = connect(toB.port(), List.of(b));
                ClientSession directB = connect(gateway().sshPortForTests(b), List.of(b))) {
            for (ClientSession session : List.of(tunnelA, directA, tunnelB, directB)) {
                session.auth().verify(TIMEOUT);
            }
            HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(gateway().apiUrl() + "/sessions/" + a))
                    .header("Authorization", "Bearer " + gateway().token()).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(204, deleted.statusCode(), deleted.body());
            tunnelA.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), TIMEOUT);
            directA.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), TIMEOUT);
            assertTrue(tunnelA.isClosed() || tunnelA.isClosing());
            assertTrue(directA.isClosed() || directA.isClosing());
            assertEquals("b\n", exec(tunnelB, "echo b"));
            assertEquals("b\n", exec(directB, "echo b"));
        }
    }
}
