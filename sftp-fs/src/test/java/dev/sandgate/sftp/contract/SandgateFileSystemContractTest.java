package dev.sandgate.sftp.contract;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/** The contract on sftp-fs, over the LocalGateway's CONNECT tunnel to MINA's SFTP server. */
class SandgateFileSystemContractTest extends FileSystemContract {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static SandboxSsh ssh;
    private static SshConnection connection;
    private static FileSystem files;

    @BeforeAll
    static void open() throws IOException {
        LocalGateway gateway = GATEWAY.gateway();
        String session;
        try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            session = api.createSession(NewSession.builder().build()).id();
        }
        ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).build();
        connection = ssh.connect(session);
        files = SandboxFileSystems.open(connection);
    }

    @AfterAll
    static void close() throws IOException {
        files.close();
        connection.close();
        ssh.close();
    }

    @Override
    protected java.nio.file.Path newDirectory() throws IOException {
        return Files.createDirectory(files.getPath("contract-" + UUID.randomUUID()));
    }

    @Override
    protected Set<Deviation> deviations() {
        return EnumSet.allOf(Deviation.class);
    }
}
