package dev.sandgate.sftp;

import java.io.IOException;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.TransportKind;

/** Sessions and clients on a test's LocalGateway, made the way a user makes them. */
final class GatewaySessions {
    private GatewaySessions() {
    }

    /** A new session, created through the gateway's REST API. */
    static String newSession(LocalGateway gateway) throws IOException {
        try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            return api.createSession(NewSession.builder().build()).id();
        }
    }

    /** A client of the gateway over its default transport (HTTP CONNECT). */
    static SandboxSsh ssh(LocalGateway gateway) {
        return SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).build();
    }

    /** A client of the gateway over its WebSocket or its HTTP CONNECT transport. */
    static SandboxSsh ssh(LocalGateway gateway, boolean webSocket) {
        return SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                .transport(webSocket ? TransportKind.WEB_SOCKET : TransportKind.HTTP_CONNECT).build();
    }
}
