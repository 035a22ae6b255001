package dev.sandgate.cli;

import java.io.IOException;

import dev.sandgate.tunnel.HostKeyRejectedException;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/** One connection for a command that needs one: the SandboxSsh it came from closes with it. */
final class Connected implements AutoCloseable {
    private final SandboxSsh ssh;
    private final SshConnection connection;

    private Connected(SandboxSsh ssh, SshConnection connection) {
        this.ssh = ssh;
        this.connection = connection;
    }

    static Connected to(ApiOptions api, String sessionId) throws IOException {
        SandboxSsh ssh = api.ssh();
        try {
            return new Connected(ssh, ssh.connect(sessionId));
        } catch (HostKeyRejectedException e) {
            HostKeyRejectedException explained = api.explained(e, sessionId);
            closeAfter(ssh, explained);
            throw explained;
        } catch (IOException | RuntimeException e) {
            closeAfter(ssh, e);
            throw e;
        }
    }

    /** Closes the SandboxSsh after a failure; a failure to close is kept with it, never in its place. */
    private static void closeAfter(SandboxSsh ssh, Exception failure) {
        try {
            ssh.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    SshConnection connection() {
        return connection;
    }

    @Override
    public void close() throws IOException {
        try {
            connection.close();
        } finally {
            ssh.close();
        }
    }
}
