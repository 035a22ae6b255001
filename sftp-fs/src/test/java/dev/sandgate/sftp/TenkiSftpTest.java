package dev.sandgate.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.cert.EndpointPolicy;
import dev.sandgate.cert.TenkiApi;
import dev.sandgate.testkit.TenkiFake;
import dev.sandgate.testkit.TenkiFakeExtension;
import dev.sandgate.tunnel.SandboxProvider;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/** A file moves both ways through the Tenki provider's connection as a {@code java.nio.file} file system. */
class TenkiSftpTest {
    @RegisterExtension
    static final TenkiFakeExtension TENKI = new TenkiFakeExtension();

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TenkiFake.TokenKind.class)
    void aFileMovesBothWays(TenkiFake.TokenKind kind) throws Exception {
        TenkiFake tenki = TENKI.fake();
        String sessionId = tenki.createSession();
        Path knownHosts = Files.write(directory.resolve("known_hosts"),
                List.of("[127.0.0.1]:" + tenki.port() + " " + tenki.gatewayHostKeyLine()));
        Map<String, String> env = Map.of(TenkiApi.ENV_AUTH_TOKEN, tenki.token(kind),
                TenkiApi.ENV_API_URL, tenki.apiUrl(TenkiFake.API_HOST).toString(),
                TenkiApi.ENV_GATEWAY_URL, tenki.gatewayUrl().toString());
        byte[] content = "through Tenki\n".repeat(50_000).getBytes(StandardCharsets.UTF_8);
        Path local = Files.write(directory.resolve("up.txt"), content);
        try (SandboxSsh ssh = SandboxSsh.builder()
                .provider(SandboxProvider.tenki().environment(env::get).knownHosts(knownHosts).build())
                .endpointPolicy(EndpointPolicy.requireTls().allowCleartext())
                .connectTimeout(Duration.ofSeconds(20))
                .build();
             SshConnection connection = ssh.connect(sessionId);
             FileSystem remote = SandboxFileSystems.open(connection)) {
            Files.copy(local, remote.getPath("up.txt"));
            Files.copy(remote.getPath("up.txt"), directory.resolve("down.txt"));
        }
        assertArrayEquals(content, Files.readAllBytes(directory.resolve("down.txt")));
        assertArrayEquals(content, Files.readAllBytes(tenki.sessionDirectory(sessionId).resolve("up.txt")));
    }
}
