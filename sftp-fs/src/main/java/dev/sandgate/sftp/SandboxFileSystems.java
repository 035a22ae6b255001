package dev.sandgate.sftp;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.util.Objects;

import org.apache.sshd.sftp.client.SftpClientFactory;

import dev.sandgate.tunnel.SshConnection;

/**
 * Opens a sandbox session's files as a {@link FileSystem} over SFTP, on an existing {@link SshConnection}.
 *
 * <pre>{@code
 * try (SshConnection connection = ssh.connect(sessionId);
 *      FileSystem files = SandboxFileSystems.open(connection)) {
 *     Path report = files.getPath("report.txt");          // relative to the session's home directory
 *     Files.writeString(report, "hello");
 *     System.out.println(Files.readString(report));
 * }
 * }</pre>
 *
 * <p>Relative paths resolve against the session's home directory. Closing the file system closes its SFTP channel,
 * not the connection. For now this is MINA SSHD's SFTP file system; the full provider (contract-tested against the
 * JDK's own file system) is planned.
 */
public final class SandboxFileSystems {
    private SandboxFileSystems() {
    }

    /** Opens an SFTP file system on the connection. The caller closes it. */
    public static FileSystem open(SshConnection connection) throws IOException {
        Objects.requireNonNull(connection, "connection");
        return SftpClientFactory.instance().createSftpFileSystem(connection.clientSession());
    }
}
