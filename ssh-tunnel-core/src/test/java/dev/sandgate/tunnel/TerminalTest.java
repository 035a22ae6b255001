package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** Interactive shells and commands on a pseudo-terminal, through {@code SandboxSsh.connect}. */
class TerminalTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(20);

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void anInteractiveShellSeesItsSizeAndAResize(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(gateway.newSession())) {
            RemoteProcess terminal = connection.openTerminal(PtyOptions.builder().term("vt100").size(100, 30).build());
            assertTrue(terminal.hasPty());
            OutputStream keys = terminal.getOutputStream();
            TerminalScreen screen = new TerminalScreen(terminal.getInputStream());
            assertTimeoutPreemptively(BOUND.multipliedBy(2), () -> {
                keys.write("stty size; echo \"term=$TERM\"\n".getBytes(StandardCharsets.US_ASCII));
                keys.flush();
                screen.await("30 100");
                screen.await("term=vt100");
                terminal.resize(120, 40);
                // the new size may take a moment to land: ask until it shows ("E""ND" is typed, END is printed)
                String seen = "";
                for (int i = 0; i < 20 && !seen.contains("40 120"); i++) {
                    keys.write("stty size; echo \"E\"\"ND\"\n".getBytes(StandardCharsets.US_ASCII));
                    keys.flush();
                    seen = screen.await("END");
                }
                assertTrue(seen.contains("40 120"), "after the resize the terminal said: " + seen);
                keys.write("exit 5\n".getBytes(StandardCharsets.US_ASCII));
                keys.flush();
                assertEquals(5, terminal.waitFor());
            });
        }
    }

    @Test
    void aCommandWithAPtySeesATerminalAndOneWithoutSeesNone() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway);
             SshConnection connection = ssh.connect(gateway.newSession())) {
            RemoteProcess withPty = connection.processBuilder("tty; stty size").pty(PtyOptions.builder().size(132, 43)
                    .build()).start();
            String shown = assertTimeoutPreemptively(BOUND,
                    () -> new String(withPty.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(shown.startsWith("/dev/pts/"), shown);
            assertTrue(shown.contains("43 132"), shown);
            assertEquals(0, withPty.waitFor());
            ExecResult without = connection.exec("tty");
            assertEquals("not a tty\n", without.stdoutText());
            RemoteProcess plain = connection.start("true");
            assertThrows(IllegalStateException.class, () -> plain.resize(80, 24));
            plain.waitFor();
        }
    }

    @Test
    void aGrantWithoutAPtyIsRefusedTypedAndTheServerHoldsToItToo() throws Exception {
        try (LocalGateway strict = LocalGateway.builder().denyPty().start();
             SandboxSsh ssh = GatewayClients.CONNECT.ssh(strict);
             SshConnection connection = ssh.connect(strict.newSession())) {
            assertThrows(PtyRefusedException.class, () -> connection.openTerminal(PtyOptions.defaults()));
            assertThrows(PtyRefusedException.class,
                    () -> connection.processBuilder("tty").pty(PtyOptions.defaults()).start());
            assertEquals("not a tty\n", connection.exec("tty").stdoutText(), "commands without one still run");
        }
        try (LocalGateway strict = LocalGateway.builder().denyPty().start();
             dev.sandgate.cert.SandboxApi api = GatewayClients.api(strict)) {
            // an API that says yes where the certificate says no: the server decides
            dev.sandgate.cert.CertificateCache lying = dev.sandgate.cert.CertificateCache.builder((id, keys, ttl) -> {
                dev.sandgate.cert.IssuedCertificate real = api.issue(id, keys, ttl);
                return new dev.sandgate.cert.IssuedCertificate(real.credentials(), real.renewAfter(), real.hostCaKeys(),
                        new dev.sandgate.cert.Permissions(true, true, false), real.endpoints());
            }).build();
            try (SandboxSsh ssh = SandboxSsh.builder().certificateCache(lying)
                    .tunnelAuth(TunnelAuth.bearer(strict.token())).build();
                 SshConnection connection = ssh.connect(strict.newSession())) {
                RemoteProcess refusedPty = connection.processBuilder("tty").pty(PtyOptions.defaults()).start();
                assertEquals("not a tty\n", new String(refusedPty.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8), "the server gave no terminal");
                refusedPty.waitFor();
            }
        }
    }

    @Test
    void badSizesAndTypesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PtyOptions.builder().size(0, 24));
        assertThrows(IllegalArgumentException.class, () -> PtyOptions.builder().term("x term"));
    }
}
