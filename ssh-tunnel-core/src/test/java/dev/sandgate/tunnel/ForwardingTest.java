package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.cert.CertificateCache;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.Permissions;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** Port forwardings and streams, to a web server started inside the session, over both transports. */
class ForwardingTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Pattern SERVING = Pattern.compile("port (\\d+)");

    /** A web server inside the session serving {@code page.txt}; stopped on close. */
    private static final class WebServer implements AutoCloseable {
        final RemoteProcess process;
        final int port;

        WebServer(SshConnection connection) throws Exception {
            connection.exec("printf 'inside the sandbox' > page.txt").check();
            process = connection.start("python3 -u -m http.server 0 --bind 127.0.0.1");
            BufferedReader lines = process.inputReader();
            Matcher serving = SERVING.matcher(assertTimeoutPreemptively(BOUND, lines::readLine));
            assertTrue(serving.find(), "python's http.server says where it listens");
            port = Integer.parseInt(serving.group(1));
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private static String rawGet(InputStream in, OutputStream out) throws IOException {
        out.write("GET /page.txt HTTP/1.0\r\nHost: sandbox\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void anHttpRequestThroughALocalForward(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(gateway.newSession());
             WebServer web = new WebServer(connection);
             PortForward forward = connection.forwardLocal(0, "127.0.0.1", web.port)) {
            InetSocketAddress bound = forward.boundAddress();
            assertTrue(bound.getAddress().isLoopbackAddress(), bound.toString());
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + bound.getPort() + "/page.txt")).timeout(BOUND).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertEquals("inside the sandbox", page.body());
            forward.close();
            assertFalse(forward.isOpen());
            assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), bound.getPort()).close(),
                    "a closed forward listens no more");
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void anHttpRequestThroughADirectStreamWithHalfClose(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(gateway.newSession());
             WebServer web = new WebServer(connection);
             RemoteStream stream = connection.openStream("127.0.0.1", web.port)) {
            stream.getOutputStream().write("GET /page.txt HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            stream.getOutputStream().flush();
            stream.shutdownOutput();
            String answer = assertTimeoutPreemptively(BOUND,
                    () -> new String(stream.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            assertTrue(answer.startsWith("HTTP/1.0 200"), answer);
            assertTrue(answer.endsWith("inside the sandbox"), answer);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void aSocks5RequestThroughDynamicForwarding(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(gateway.newSession());
             WebServer web = new WebServer(connection);
             PortForward socks = connection.forwardDynamic(0);
             Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, socks.boundAddress()))) {
            socket.setSoTimeout((int) BOUND.toMillis());
            socket.connect(InetSocketAddress.createUnresolved("127.0.0.1", web.port));
            String answer = rawGet(socket.getInputStream(), socket.getOutputStream());
            assertTrue(answer.startsWith("HTTP/1.0 200") && answer.endsWith("inside the sandbox"), answer);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void remoteForwardingReachesAServerOnThisSide(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (ServerSocket outside = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(gateway.newSession());
             PortForward forward = connection.forwardRemote(0, "127.0.0.1", outside.getLocalPort())) {
            int inside = forward.boundAddress().getPort();
            assertTrue(inside > 0, forward.toString());
            Thread answering = new Thread(() -> {
                try (Socket client = outside.accept()) {
                    client.getOutputStream().write("hello from outside\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the assertion below says what went wrong
                }
            });
            answering.start();
            ExecResult fetched = connection.exec("python3 -c \"import socket; s = socket.create_connection(('127.0.0.1', "
                    + inside + ")); print(s.recv(100).decode(), end='')\"", Duration.ofSeconds(20));
            answering.join(BOUND.toMillis());
            assertEquals("hello from outside\n", fetched.check().stdoutText());
        }
    }

    @Nested
    class Refusals {
        @Test
        void aStreamToAPortWhereNothingListensNamesThat() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            int closed;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = probe.getLocalPort();
            }
            try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway);
                 SshConnection connection = ssh.connect(gateway.newSession())) {
                ForwardingRefusedException refused = assertThrows(ForwardingRefusedException.class,
                        () -> connection.openStream("127.0.0.1", closed));
                assertEquals(ForwardingRefusedException.Reason.CONNECT_FAILED, refused.reason(), refused.getMessage());
                assertEquals("still\n", connection.exec("echo still").stdoutText());
            }
        }

        @Test
        void aGrantWithoutPortForwardingIsRefusedBeforeAnythingIsSent() throws Exception {
            try (LocalGateway strict = LocalGateway.builder().denyPortForwarding().start();
                 SandboxSsh ssh = GatewayClients.CONNECT.ssh(strict);
                 SshConnection connection = ssh.connect(strict.newSession())) {
                ForwardingRefusedException refused = assertThrows(ForwardingRefusedException.class,
                        () -> connection.forwardLocal(0, "127.0.0.1", 80));
                assertEquals(ForwardingRefusedException.Reason.PROHIBITED, refused.reason());
                assertThrows(ForwardingRefusedException.class, () -> connection.openStream("127.0.0.1", 80));
            }
        }

        @Test
        void theServerEnforcesTheCertificateEvenWhenTheApiSaysOtherwise() throws Exception {
            try (LocalGateway strict = LocalGateway.builder().denyPortForwarding().start();
                 SandboxApi api = GatewayClients.api(strict)) {
                CertificateCache lying = CertificateCache.builder((sessionId, keyPair, ttl) -> {
                    IssuedCertificate real = api.issue(sessionId, keyPair, ttl);
                    return new IssuedCertificate(real.credentials(), real.renewAfter(), real.hostCaKeys(),
                            new Permissions(true, true, false), real.endpoints());
                }).build();
                try (SandboxSsh ssh = SandboxSsh.builder().certificateCache(lying)
                        .tunnelAuth(TunnelAuth.bearer(strict.token())).build();
                     SshConnection connection = ssh.connect(strict.newSession())) {
                    ForwardingRefusedException refused = assertThrows(ForwardingRefusedException.class,
                            () -> connection.openStream("127.0.0.1", 80));
                    assertEquals(ForwardingRefusedException.Reason.PROHIBITED, refused.reason(), refused.getMessage());
                    assertThrows(ForwardingRefusedException.class, () -> connection.forwardRemote(0, "127.0.0.1", 80));
                }
            }
        }

        @Test
        void badPortsAreRefusedUpFront() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway);
                 SshConnection connection = ssh.connect(gateway.newSession())) {
                assertThrows(IllegalArgumentException.class, () -> connection.forwardLocal(-1, "127.0.0.1", 80));
                assertThrows(IllegalArgumentException.class, () -> connection.forwardLocal(0, "127.0.0.1", 0));
                assertThrows(IllegalArgumentException.class, () -> connection.openStream("a host", 80));
            }
        }
    }
}
