package dev.sandgate.tunnel;

import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.TlsTrust;
import dev.sandgate.testkit.LocalGateway;

/** The ways a test reaches a LocalGateway: each transport, in plain and TLS. */
enum GatewayClients {
    CONNECT(false, Transport::httpConnect),
    CONNECT_TLS(true, Transport::httpConnect),
    WEBSOCKET(false, Transport::webSocket),
    WEBSOCKET_TLS(true, Transport::webSocket);

    private final boolean tls;
    private final Function<TransportOptions, Transport> transport;

    GatewayClients(boolean tls, Function<TransportOptions, Transport> transport) {
        this.tls = tls;
        this.transport = transport;
    }

    SandboxSsh ssh(LocalGateway gateway) {
        return ssh(gateway, options -> options);
    }

    /** With transport options of the test's own, on top of trusting the gateway's TLS certificate. */
    SandboxSsh ssh(LocalGateway gateway, UnaryOperator<TransportOptions.Builder> options) {
        TlsTrust trust = TlsTrust.trusting(gateway.tlsCertificate());
        return SandboxSsh.builder()
                .apiUrl(tls ? gateway.tlsApiUrl() : gateway.apiUrl())
                .token(gateway.token())
                .tlsTrust(trust)
                .transport(transport.apply(options.apply(TransportOptions.builder().tlsTrust(trust)).build()))
                .build();
    }

    static SandboxApi api(LocalGateway gateway) {
        return SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build();
    }
}
