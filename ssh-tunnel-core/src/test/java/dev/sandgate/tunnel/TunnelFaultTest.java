package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;
import dev.sandgate.testkit.TunnelFault.Direction;

/** A tunnel that breaks or goes silent mid-use ends what runs over it with a typed error, quickly, and loses nothing silently. */
class TunnelFaultTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(15);

    enum Kind {
        CONNECT, WEBSOCKET;

        SandboxSsh ssh(LocalGateway gateway, Duration keepAlive) {
            return SandboxSsh.builder()
                    .apiUrl(gateway.apiUrl())
                    .token(gateway.token())
                    .transport(this == CONNECT ? TransportKind.HTTP_CONNECT : TransportKind.WEB_SOCKET)
                    .keepAlive(keepAlive, 3)
                    .build();
        }
    }

    @Nested
    class SessionLifecycle {
        @ParameterizedTest
        @EnumSource(Kind.class)
        void pausingASessionCutsItsOpenConnectionsAndResumingLetsNewOnesIn(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = kind.ssh(gateway, Duration.ofSeconds(15))) {
                SshConnection open = ssh.connect(sessionId);
                assertEquals("up\n", open.exec("echo up").stdoutText());
                gateway.pauseSession(sessionId);
                try {
                    assertTimeoutPreemptively(BOUND, () -> {
                        while (open.isOpen()) {
                            Thread.sleep(20);
                        }
                    });
                    assertThrows(TunnelException.class, () -> open.exec("echo still"));
                } finally {
                    gateway.resumeSession(sessionId);
                }
                try (SshConnection again = ssh.connect(sessionId)) {
                    assertEquals("back\n", again.exec("echo back").stdoutText());
                }
            }
        }
    }

    @Nested
    class Expiry {
        @Test
        void aSessionPastItsExpiryCutsItsConnectionsAndTakesNoNewOnes() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId;
            try (dev.sandgate.cert.SandboxApi api = GatewayClients.api(gateway)) {
                sessionId = api.createSession(dev.sandgate.cert.NewSession.builder().ttl(Duration.ofSeconds(2))
                        .build()).id();
            }
            try (SandboxSsh ssh = Kind.CONNECT.ssh(gateway, Duration.ofSeconds(15));
                 SshConnection connection = ssh.connect(sessionId)) {
                assertEquals("alive\n", connection.exec("echo alive").stdoutText());
                assertTimeoutPreemptively(BOUND, () -> {
                    while (connection.isOpen()) {
                        Thread.sleep(50);
                    }
                });
                assertThrows(TunnelException.class, () -> connection.exec("echo late"));
                TunnelRefusedException refused = assertThrows(TunnelRefusedException.class,
                        () -> ssh.connect(sessionId));
                assertEquals(dev.sandgate.cert.Refusal.SESSION_NOT_RUNNING, refused.refusal(), refused.getMessage());
            }
        }
    }

    @Nested
    class Drops {
        @ParameterizedTest
        @EnumSource(Kind.class)
        void aDropInTheMiddleOfACommandsOutputIsATypedFailure(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = kind.ssh(gateway, Duration.ofSeconds(15));
                 SshConnection connection = ssh.connect(sessionId)) {
                gateway.injectTunnelFault(TunnelFault.dropAfter(2 * 1024 * 1024, Direction.FROM_SESSION)
                        .forSession(sessionId));
                try (SshConnection cut = ssh.connect(sessionId)) {
                    TunnelException failed = assertTimeoutPreemptively(BOUND,
                            () -> assertThrows(TunnelException.class, () -> cut.exec("head -c 8388608 /dev/zero")));
                    assertTrue(failed.getMessage().contains(sessionId), failed.getMessage());
                    assertFalse(cut.isOpen());
                }
                assertEquals("alive\n", connection.exec("echo alive").stdoutText(), "other connections are untouched");
            }
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void aDropInTheMiddleOfAnSftpUploadNeverLooksComplete(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            byte[] chunk = new byte[256 * 1024];
            int chunks = 32;
            try (SandboxSsh ssh = kind.ssh(gateway, Duration.ofSeconds(15))) {
                gateway.injectTunnelFault(TunnelFault.dropAfter(3 * 1024 * 1024, Direction.TO_SESSION)
                        .forSession(sessionId));
                SshConnection connection = ssh.connect(sessionId);
                IOException failed = assertTimeoutPreemptively(BOUND, () -> assertThrows(IOException.class, () -> {
                    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(connection.clientSession());
                         OutputStream out = sftp.write("upload.bin")) {
                        for (int i = 0; i < chunks; i++) {
                            out.write(chunk);
                        }
                    }
                }));
                connection.close();
                assertFalse(failed.getMessage() == null, failed.toString());
                Path stored = gateway.sessionDirectory(sessionId).resolve("upload.bin");
                assertTrue(!Files.exists(stored) || Files.size(stored) < (long) chunk.length * chunks,
                        "a cut upload must not be whole on the server");
            }
        }
    }

    @Nested
    class Stalls {
        @ParameterizedTest
        @EnumSource(Kind.class)
        void aSilentTunnelIsDetectedByTheKeepaliveWithinItsBound(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            Duration interval = Duration.ofMillis(300);
            try (SandboxSsh ssh = kind.ssh(gateway, interval)) {
                gateway.injectTunnelFault(TunnelFault.stallAfter(1024 * 1024, Direction.FROM_SESSION).forSession(sessionId));
                try (SshConnection connection = ssh.connect(sessionId)) {
                    long start = System.nanoTime();
                    TunnelException failed = assertTimeoutPreemptively(BOUND,
                            () -> assertThrows(TunnelException.class, () -> connection.exec("head -c 8388608 /dev/zero")));
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertTrue(failed.getMessage().contains("keepalive"), failed.getMessage());
                    // 3 unanswered keepalives 300 ms apart, a fourth tick to give up, plus scheduling slack
                    assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "took " + took.toMillis() + " ms");
                    assertFalse(connection.isOpen());
                }
            }
        }
    }

    @Nested
    class Slow {
        @ParameterizedTest
        @EnumSource(Kind.class)
        void aSlowGatewaySlowsTheTransferButLosesNothing(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = kind.ssh(gateway, Duration.ofSeconds(15))) {
                gateway.injectTunnelFault(TunnelFault.slow(200_000).forSession(sessionId));
                try (SshConnection connection = ssh.connect(sessionId)) {
                    long start = System.nanoTime();
                    ExecResult result = connection.exec("head -c 400000 /dev/zero | tr '\\0' x");
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertEquals(400_000, result.stdout().length);
                    assertTrue(took.compareTo(Duration.ofMillis(1000)) > 0,
                            "400 kB at 200 kB/s cannot arrive in " + took.toMillis() + " ms: the fault did not slow it");
                }
            }
        }
    }

    @Nested
    class Scale {
        @ParameterizedTest
        @EnumSource(Kind.class)
        void threeHundredConnectionsAtOnceThroughOneSandboxSsh(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            int count = 300;
            ExecutorService threads = Executors.newFixedThreadPool(16);
            List<SshConnection> open = new ArrayList<>();
            try (SandboxSsh ssh = kind.ssh(gateway, Duration.ofSeconds(15))) {
                List<Future<SshConnection>> connects = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    connects.add(threads.submit(() -> ssh.connect(sessionId)));
                }
                for (Future<SshConnection> connect : connects) {
                    open.add(connect.get());
                }
                assertEquals(count * 2, gateway.traffic(sessionId).tunnelsOpen(), "every connection has its tunnel");
                List<Future<String>> echoes = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    SshConnection connection = open.get(i);
                    String word = "c" + i;
                    echoes.add(threads.submit(() -> connection.exec("echo " + word).stdoutText()));
                }
                for (int i = 0; i < count; i++) {
                    assertEquals("c" + i + "\n", echoes.get(i).get());
                }
            } finally {
                for (SshConnection connection : open) {
                    connection.close();
                }
                threads.shutdownNow();
            }
        }
    }
}
