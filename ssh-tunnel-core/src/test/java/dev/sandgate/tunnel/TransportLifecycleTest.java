package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.cert.TlsTrust;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** What a {@link SandboxSsh} does with the transport it is given: its settings, and its threads when it closes. */
class TransportLifecycleTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @Test
    void aTransportChosenWithoutOptionsTakesTheBuildersTlsTrust() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        for (TransportKind transport : List.of(TransportKind.HTTP_CONNECT, TransportKind.WEB_SOCKET)) {
            // the TLS API hands out https:// and wss:// endpoints, trusted only through the builder's tlsTrust
            try (SandboxSsh ssh = SandboxSsh.builder()
                    .apiUrl(gateway.tlsApiUrl())
                    .token(gateway.token())
                    .tlsTrust(TlsTrust.trusting(gateway.tlsCertificate()))
                    .transport(transport)
                    .build();
                 SshConnection connection = ssh.connect(sessionId)) {
                assertEquals("tls\n", connection.exec("echo tls").stdoutText(), transport.toString());
                assertTrue(connection.toString().contains("wss://") || connection.toString().contains("https://"),
                        connection.toString());
            }
        }
    }

    @Test
    void aTrustStoreOrAnSslContextOfOnesOwnReachesTheTlsGatewayAndTheSystemTrustDoesNot() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("gateway", gateway.tlsCertificate());
        TlsTrust fromStore = TlsTrust.trustStore(store);
        TlsTrust own = TlsTrust.of(fromStore.sslContext(), fromStore.trustManager());
        for (TlsTrust trust : List.of(fromStore, own)) {
            for (TransportKind transport : List.of(TransportKind.HTTP_CONNECT, TransportKind.WEB_SOCKET)) {
                try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.tlsApiUrl()).token(gateway.token())
                        .tlsTrust(trust).transport(transport).build();
                     SshConnection connection = ssh.connect(sessionId)) {
                    assertEquals(0, connection.exec("true").exitCode(), trust + " " + transport);
                }
            }
        }
        // the API is trusted, the tunnels are not: the self-signed gateway certificate is in no system store
        try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.tlsApiUrl()).token(gateway.token())
                .tlsTrust(fromStore).transport(Transport.httpConnect(TransportOptions.defaults())).build()) {
            TunnelException refused = org.junit.jupiter.api.Assertions.assertThrows(TunnelException.class,
                    () -> ssh.connect(sessionId));
            assertTrue(refused.getMessage().contains("TLS"), refused.getMessage());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void twoHundredIdleConnectionsCostAThreadEachAndCloseLeavesNone(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Set<Thread> before = LeakCheck.allThreads();
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long heapBefore = runtime.totalMemory() - runtime.freeMemory();
        SandboxSsh ssh = clients.ssh(gateway);
        List<SshConnection> connections = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<SshConnection>> opening = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                opening.add(pool.submit(() -> ssh.connect(sessionId)));
            }
            for (java.util.concurrent.Future<SshConnection> future : opening) {
                connections.add(future.get());
            }
        } finally {
            pool.shutdown();
        }
        for (SshConnection connection : connections) {
            assertEquals(0, connection.exec("true").exitCode());
        }
        int threads = LeakCheck.ownedThreads(before).size();
        System.gc();
        long heap = runtime.totalMemory() - runtime.freeMemory() - heapBefore;
        System.out.printf("%s: 200 idle connections: %d threads of Sandgate, MINA and OkHttp (%.2f each); heap %+.1f MiB"
                + " with the gateway's side in the same JVM (%.1f KiB each)%n", clients, threads, threads / 200.0,
                heap / 1048576.0, heap / 200 / 1024.0);
        // one reader per connection, plus the shared pools (writes, keepalive, MINA timer), which vary with load
        assertTrue(threads <= 200 + 40, "about one reader thread per connection, got " + threads);
        ssh.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Set<String> left = LeakCheck.ownedThreadsSince(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = LeakCheck.ownedThreadsSince(before);
        }
        assertEquals(Set.of(), left, "closing the facade ends every connection's threads");
        assertTrue(connections.stream().noneMatch(SshConnection::isOpen), "and every connection");
    }

    @Test
    void closingEndsEveryThreadItStarted() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Set<Thread> before = LeakCheck.allThreads();
        List<SshConnection> connections = new ArrayList<>();
        SandboxSsh webSocket = GatewayClients.WEBSOCKET.ssh(gateway);
        SandboxSsh connect = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).build();
        for (int i = 0; i < 10; i++) {
            connections.add(webSocket.connect(sessionId));
            connections.add(connect.connect(sessionId));
        }
        for (SshConnection connection : connections) {
            assertEquals(0, connection.exec("true").exitCode());
        }
        webSocket.close();
        connect.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Set<String> left = LeakCheck.ownedThreadsSince(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = LeakCheck.ownedThreadsSince(before);
        }
        assertEquals(Set.of(), left, "threads left running after close");
    }

    @Test
    void withNoTransportChosenEachTunnelFollowsItsSessionsEndpoints() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        // the mint answer names a CONNECT proxy and a WebSocket URL: the proxy is taken
        String minted = gateway.newSession();
        try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).build();
             SshConnection connection = ssh.connect(minted)) {
            assertEquals(0, connection.exec("true").exitCode());
            assertTrue(connection.toString().contains("HTTP CONNECT"), connection.toString());
        }
        // a provider that names only a WebSocket URL: the WebSocket is taken, with nothing else said
        java.security.KeyPair key = dev.sandgate.cert.SshKeys.generate();
        String keyed = GivenCredentialsTest.sessionFor(gateway, key);
        java.nio.file.Path knownHosts = java.nio.file.Files.createTempFile("known_hosts", "");
        try {
            java.nio.file.Files.writeString(knownHosts, "@cert-authority * "
                    + dev.sandgate.cert.SshKeys.publicKeyLine(gateway.hostCaPublicKey()) + "\n");
            SandboxProvider provider = SandboxProvider.generic(LoginMethod.key(gateway.sshUsername(), key),
                    EndpointSource.webSocket(gateway::webSocketUrl), TunnelAuth.bearer(gateway.token()),
                    HostTrust.knownHosts(knownHosts));
            try (SandboxSsh ssh = SandboxSsh.builder().provider(provider).build();
                 SshConnection connection = ssh.connect(keyed)) {
                assertEquals(0, connection.exec("true").exitCode());
                assertTrue(connection.toString().contains("WebSocket"), connection.toString());
            }
        } finally {
            java.nio.file.Files.delete(knownHosts);
        }
    }

    @Test
    void aTransportOfOnesOwnServesSeveralAndStaysOpenWhenEachCloses() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (Transport shared = Transport.webSocket(TransportOptions.defaults())) {
            for (int i = 0; i < 2; i++) {
                try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                        .transport(shared).build();
                     SshConnection connection = ssh.connect(sessionId)) {
                    assertEquals(0, connection.exec("true").exitCode(), "SandboxSsh number " + (i + 1));
                    assertTrue(connection.toString().contains("WebSocket"), connection.toString());
                }
            }
        }
    }
}
