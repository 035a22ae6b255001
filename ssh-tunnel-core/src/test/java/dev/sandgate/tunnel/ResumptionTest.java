package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.cert.Refusal;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelCuts;
import dev.sandgate.testkit.TunnelFault;

/**
 * Through a gateway that offers resumption (the LocalGateway does by default), a cut tunnel is re-attached and the SSH
 * connection above never notices: commands, their output and bulk bytes go on, byte-exact, over both transports.
 */
class ResumptionTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(60);

    /** What the connection listener heard, as text. */
    static final class Events implements ConnectionListener {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<Long> replayed = new CopyOnWriteArrayList<>();

        @Override
        public void disconnected(String sessionId, IOException cause) {
            seen.add(cause == null ? "closed" : "lost");
        }

        @Override
        public void reconnecting(String sessionId, int attempt, IOException lastFailure) {
            seen.add("reconnecting");
        }

        @Override
        public void resuming(String sessionId, IOException cause) {
            seen.add("resuming");
        }

        @Override
        public void resumed(String sessionId, Duration took, long bytesReplayed) {
            seen.add("resumed");
            replayed.add(bytesReplayed);
        }

        long count(String event) {
            return seen.stream().filter(event::equals).count();
        }
    }

    private static SandboxSsh ssh(LocalGateway gateway, GatewayClients clients, Events events) {
        return SandboxSsh.builder()
                .apiUrl(gateway.apiUrl())
                .token(gateway.token())
                .transport(clients == GatewayClients.CONNECT ? TransportKind.HTTP_CONNECT : TransportKind.WEB_SOCKET)
                .connectionListener(events)
                .build();
    }

    /** Waits until every drop the listener heard was re-attached, and there was at least one. */
    private static void awaitEveryDropResumed(Events events) {
        assertTimeoutPreemptively(BOUND, () -> {
            while (events.count("resumed") < Math.max(1, events.count("resuming"))) {
                Thread.sleep(10);
            }
        }, () -> "re-attachments heard: " + events.seen);
    }

    /** Waits until the listener has heard {@code n} events of any kind. */
    private static void awaitEvents(Events events, int n) {
        assertTimeoutPreemptively(BOUND, () -> {
            while (events.seen.size() < n) {
                Thread.sleep(10);
            }
        }, () -> "events heard: " + events.seen);
    }

    /** Waits until the listener has heard {@code n} re-attachments. */
    private static void awaitResumed(Events events, long n) {
        assertTimeoutPreemptively(BOUND, () -> {
            while (events.count("resumed") < n) {
                Thread.sleep(10);
            }
        }, () -> "re-attachments heard: " + events.seen);
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void aCutTunnelIsReattachedAndTheConnectionGoesOn(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        try (SandboxSsh ssh = ssh(gateway, clients, events); SshConnection connection = ssh.connect(sessionId)) {
            ClientSession session = connection.clientSession();
            assertEquals("one\n", connection.exec("echo one").stdoutText());
            for (int cut = 1; cut <= 3; cut++) {
                gateway.cutTunnels(sessionId);
                awaitResumed(events, cut);
                assertEquals("after " + cut + "\n", connection.exec("echo after " + cut).stdoutText());
            }
            assertSame(session, connection.clientSession(), "the same SSH connection, not a reconnect");
            assertEquals(List.of("resuming", "resumed", "resuming", "resumed", "resuming", "resumed"), events.seen);
            assertEquals(1, gateway.traffic(sessionId).tunnelsOpened(), "one tunnel to the session's server");
        }
    }

    /**
     * A command printing a line every quarter second for 5 s, its tunnel cut 5 times while it prints (each cut once
     * the one before was re-attached, so each lands on a live connection), over each transport at once: every line
     * arrives, in order, exactly once, and the command exits 0.
     */
    @Test
    void aCommandPrintingALineEveryQuarterSecondFor5sDeliversEveryLineAcrossFiveCuts() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        java.util.concurrent.ExecutorService runs = Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Events>> done = new ArrayList<>();
            for (GatewayClients clients : List.of(GatewayClients.CONNECT, GatewayClients.WEBSOCKET)) {
                String sessionId = gateway.newSession();
                done.add(runs.submit(() -> linesAcrossCuts(gateway, sessionId, clients)));
            }
            for (java.util.concurrent.Future<Events> run : done) {
                Events events = run.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                assertEquals(5, events.count("resumed"), events.seen.toString());
                assertEquals(0, events.count("lost"), events.seen.toString());
            }
        } finally {
            runs.shutdownNow();
        }
    }

    private static Events linesAcrossCuts(LocalGateway gateway, String sessionId, GatewayClients clients)
            throws Exception {
        Events events = new Events();
        ScheduledExecutorService cutter = Executors.newSingleThreadScheduledExecutor();
        try (SandboxSsh ssh = ssh(gateway, clients, events); SshConnection connection = ssh.connect(sessionId)) {
            RemoteProcess process = connection.start("for i in $(seq 1 20); do echo line $i; sleep 0.25; done");
            // cuts 0.8 s apart, between lines or in the middle of one; each waits for the one before to be re-attached
            // (a cut while the tunnel is detached would cut nothing), and the last comes about 1 s before the end
            for (int cut = 1; cut <= 5; cut++) {
                int resumedBefore = cut - 1;
                cutter.schedule(() -> {
                    awaitResumed(events, resumedBefore);
                    gateway.cutTunnels(sessionId);
                }, cut * 800L, TimeUnit.MILLISECONDS);
            }
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null;) {
                    lines.add(line);
                }
            }
            assertEquals(0, process.waitFor());
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                expected.add("line " + i);
            }
            assertEquals(expected, lines, clients.toString());
            awaitResumed(events, 5);
            return events;
        } finally {
            cutter.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void bulkBytesArriveExactlyBothWaysAcrossCutsAtRandomPoints(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        byte[] data = new byte[32 * 1024 * 1024];
        new Random(26).nextBytes(data);
        Path directory = gateway.sessionDirectory(sessionId);
        Files.write(directory.resolve("down.bin"), data);
        try (SandboxSsh ssh = ssh(gateway, clients, events); SshConnection connection = ssh.connect(sessionId)) {
            // download: cut 5 times at random points while the file streams out, each cut once the last re-attached
            TunnelCuts downCuts = gateway.cutTunnelsRepeatedly(sessionId, 5, Duration.ofMillis(5),
                    Duration.ofMillis(50));
            MessageDigest down = MessageDigest.getInstance("SHA-256");
            RemoteProcess cat = connection.start("cat down.bin");
            long received = assertTimeoutPreemptively(BOUND, () -> {
                long n = 0;
                byte[] buffer = new byte[65536];
                try (InputStream in = cat.getInputStream()) {
                    for (int r; (r = in.read(buffer)) > 0;) {
                        down.update(buffer, 0, r);
                        n += r;
                    }
                }
                assertEquals(0, cat.waitFor());
                return n;
            });
            assertEquals(data.length, received);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), down.digest());

            downCuts.close();
            awaitEveryDropResumed(events);
            // upload: cut 5 more times while the bytes stream in
            TunnelCuts upCuts = gateway.cutTunnelsRepeatedly(sessionId, 5, Duration.ofMillis(5),
                    Duration.ofMillis(50));
            RemoteProcess sink = connection.start("cat > up.bin");
            assertTimeoutPreemptively(BOUND, () -> {
                try (OutputStream out = sink.getOutputStream()) {
                    for (int offset = 0; offset < data.length; offset += 1 << 20) {
                        out.write(data, offset, 1 << 20);
                    }
                }
                assertEquals(0, sink.waitFor());
            });
            upCuts.close();
            assertArrayEquals(data, Files.readAllBytes(directory.resolve("up.bin")));
            awaitEveryDropResumed(events);
            assertEquals(0, events.count("lost"), events.seen.toString());
            assertTrue(downCuts.made() >= 1 && upCuts.made() >= 1, "cut during each transfer: " + events.seen);
            assertEquals(downCuts.made() + upCuts.made(), events.count("resumed"), "each cut re-attached once");
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void aTerminalKeepsItsDirectoryAndARunningSleepAcrossACut(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Files.createDirectories(gateway.sessionDirectory(sessionId).resolve("deep"));
        Events events = new Events();
        try (SandboxSsh ssh = ssh(gateway, clients, events); SshConnection connection = ssh.connect(sessionId)) {
            RemoteProcess terminal = connection.openTerminal(PtyOptions.builder().term("dumb").size(120, 30).build());
            OutputStream keys = terminal.getOutputStream();
            TerminalScreen screen = new TerminalScreen(terminal.getInputStream());
            keys.write("cd deep; echo ready-$((40+2))\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            screen.await("ready-42");
            keys.write("sleep 1.5; echo slept-$((6*7)) in $(basename $PWD)\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            Thread.sleep(300);
            gateway.cutTunnels(sessionId);
            awaitResumed(events, 1);
            screen.await("slept-42 in deep");
            keys.write("echo still-in-$(basename $PWD)\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            screen.await("still-in-deep");
            assertTrue(terminal.isAlive());
            terminal.destroy();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void aLocalForwardKeepsAnHttpDownloadGoingAcrossCuts(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        byte[] body = new byte[16 * 1024 * 1024];
        new Random(7).nextBytes(body);
        Files.write(gateway.sessionDirectory(sessionId).resolve("big.bin"), body);
        RemoteProcess web = null;
        try (SandboxSsh ssh = ssh(gateway, clients, events); SshConnection connection = ssh.connect(sessionId)) {
            web = connection.start("python3 -u -m http.server 0 --bind 127.0.0.1");
            java.util.regex.Matcher serving = java.util.regex.Pattern.compile("port (\\d+)")
                    .matcher(assertTimeoutPreemptively(BOUND, web.inputReader()::readLine));
            assertTrue(serving.find(), "python's http.server says where it listens");
            PortForward forward = connection.forwardLocal(0, "127.0.0.1", Integer.parseInt(serving.group(1)));
            java.net.URL url = new java.net.URL("http://127.0.0.1:" + forward.boundAddress().getPort() + "/big.bin");
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long[] read = new long[1];
            assertTimeoutPreemptively(BOUND, () -> {
                java.net.HttpURLConnection http = (java.net.HttpURLConnection) url.openConnection();
                try (InputStream in = http.getInputStream()) {
                    byte[] buffer = new byte[1 << 16];
                    int cuts = 0;
                    for (int n; (n = in.read(buffer)) > 0;) {
                        digest.update(buffer, 0, n);
                        read[0] += n;
                        if (cuts < 3 && read[0] >= (cuts + 1) * (4L << 20)) {
                            // mid-download, with bytes in flight both ways: cut, and read on once re-attached
                            gateway.cutTunnels(sessionId);
                            awaitResumed(events, ++cuts);
                        }
                    }
                }
            });
            assertEquals(body.length, read[0]);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(body), digest.digest());
            assertEquals(3, events.count("resumed"), events.seen.toString());
            forward.close();
        } finally {
            if (web != null) {
                web.destroyForcibly();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void aConnectionThatGoesSilentIsReplacedWhenKeepalivesGoUnanswered(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                .transport(clients == GatewayClients.CONNECT ? TransportKind.HTTP_CONNECT : TransportKind.WEB_SOCKET)
                .keepAlive(Duration.ofMillis(200), 2).connectionListener(events).build();
             SshConnection connection = ssh.connect(sessionId)) {
            ClientSession session = connection.clientSession();
            assertEquals("before\n", connection.exec("echo before").stdoutText());
            gateway.silenceTunnels(sessionId);
            // no reset, no close: only the keepalives can tell; the command waits for the new connection
            assertEquals("after\n", assertTimeoutPreemptively(BOUND, () -> connection.exec("echo after")).stdoutText());
            awaitResumed(events, 1);
            assertSame(session, connection.clientSession(), "the same SSH connection, re-attached");
            assertEquals(0, events.count("lost"), events.seen.toString());
        }
    }

    @Test
    void aTunnelThatCannotBeReattachedWithinTheWindowEndsTheConnectionTyped() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().resumptionWindow(Duration.ofSeconds(1)).start()) {
            String sessionId = gateway.newSession();
            Events events = new Events();
            try (SandboxSsh ssh = ssh(gateway, GatewayClients.WEBSOCKET, events);
                 SshConnection connection = ssh.connect(sessionId)) {
                connection.exec("true");
                // every re-attachment is refused with a 503, which a retry could help: until the window passes
                gateway.injectTunnelFault(TunnelFault.refuse(503, 1013).times(1000));
                gateway.cutTunnels(sessionId);
                assertTimeoutPreemptively(BOUND, () -> {
                    while (connection.isOpen()) {
                        Thread.sleep(10);
                    }
                });
                IOException failure = assertThrows(IOException.class, () -> connection.exec("true"));
                assertTrue(failure instanceof SandgateSshException, failure.toString());
                // the listener hears the loss on Sandgate's thread, which may come a moment after isOpen() turned false
                awaitEvents(events, 2);
                assertEquals(List.of("resuming", "lost"), events.seen);
            }
        }
    }

    @Test
    void aPausedSessionRefusesTheReattachmentAndTheFailureSaysSo() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        try (SandboxSsh ssh = ssh(gateway, GatewayClients.CONNECT, events);
             SshConnection connection = ssh.connect(sessionId)) {
            connection.exec("true");
            gateway.pauseSession(sessionId);
            assertTimeoutPreemptively(BOUND, () -> {
                while (connection.isOpen()) {
                    Thread.sleep(10);
                }
            });
            IOException failure = assertThrows(IOException.class, () -> connection.exec("true"));
            assertEquals(Refusal.SESSION_NOT_RUNNING, Refusal.of(failure).orElse(null), failure.toString());
        } finally {
            gateway.resumeSession(sessionId);
        }
    }

    @Test
    void aClientThatTurnsResumptionOffGetsAPlainTunnelFromAResumingGateway() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                .transport(TransportKind.WEB_SOCKET).resumption(false).connectionListener(events).build();
             SshConnection connection = ssh.connect(sessionId)) {
            connection.exec("true");
            gateway.cutTunnels(sessionId);
            assertTimeoutPreemptively(BOUND, () -> {
                while (connection.isOpen()) {
                    Thread.sleep(10);
                }
            });
            assertFalse(events.seen.contains("resuming"), events.seen.toString());
            assertEquals(0, gateway.traffic(sessionId).tunnelsReattached());
        }
    }

    @Test
    void aGatewayWithoutResumptionEndsTheConnectionOnACutAsBefore() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().withoutResumption().start()) {
            String sessionId = gateway.newSession();
            Events events = new Events();
            try (SandboxSsh ssh = ssh(gateway, GatewayClients.CONNECT, events);
                 SshConnection connection = ssh.connect(sessionId)) {
                connection.exec("true");
                gateway.cutTunnels(sessionId);
                assertTimeoutPreemptively(BOUND, () -> {
                    while (connection.isOpen()) {
                        Thread.sleep(10);
                    }
                });
                assertFalse(events.seen.contains("resuming"), events.seen.toString());
            }
        }
    }
}
