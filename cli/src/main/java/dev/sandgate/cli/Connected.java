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
            ssh.close();
            throw api.explained(e, sessionId);
        } catch (IOException | RuntimeException e) {
            ssh.close();
            throw e;
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
