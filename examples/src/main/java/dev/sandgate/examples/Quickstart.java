package dev.sandgate.examples;

import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SandboxSession;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.tunnel.ExecResult;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.TransportKind;

/**
 * The quickstart: starts an in-process LocalGateway, creates a sandbox session, runs a command over HTTP CONNECT and
 * over WebSocket, writes a file through java.nio.file and reads it back with {@code cat}, then deletes the session.
 */
public final class Quickstart {
    private Quickstart() {
    }

    public static void main(String[] args) throws Exception {
        try (LocalGateway gateway = LocalGateway.start();
             SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            System.out.println("LocalGateway running, API at " + gateway.apiUrl());

            SandboxSession session = api.createSession(NewSession.builder().metadata("example", "quickstart").build());
            System.out.println("Created session " + session.id() + " (" + session.status() + ")");

            runOver("HTTP CONNECT", TransportKind.HTTP_CONNECT, gateway, session.id());
            runOver("WebSocket", TransportKind.WEB_SOCKET, gateway, session.id());

            api.deleteSession(session.id());
            System.out.println("Deleted session " + session.id());
        }
        System.out.println("Done.");
    }

    private static void runOver(String name, TransportKind transport, LocalGateway gateway, String sessionId) throws Exception {
        try (SandboxSsh ssh = SandboxSsh.builder()
                .apiUrl(gateway.apiUrl())
                .token(gateway.token())
                .transport(transport)
                .build();
             SshConnection connection = ssh.connect(sessionId)) {
            ExecResult result = connection.exec("echo \"hello from $(whoami)@$(hostname) in $PWD\"");
            System.out.printf("[%s] exit %d: %s", name, result.exitCode(), result.stdoutText());

            try (FileSystem files = SandboxFileSystems.open(connection)) {
                Path note = files.getPath("note-" + name.replace(' ', '-') + ".txt");
                Files.writeString(note, "written through java.nio.file over " + name + "\n");
                ExecResult cat = connection.exec("cat '" + note + "'");
                System.out.printf("[%s] cat %s: %s", name, note, cat.stdoutText());
            }
        }
    }
}
