package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.cert.CertificateIssuer;
import dev.sandgate.cert.EndpointPolicy;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * A session id is a name only the gateway knows: asking the machine's resolver about it tells whoever runs that
 * resolver which sessions this machine opens, and waits for a lookup that can only fail. Through the door users use,
 * with the API and the gateway reached by names of their own, a connect and a command may look up those two names and
 * nothing else. Needs JDK 18 (the JVM-wide resolver that records every lookup: {@link RecordingResolverProvider}).
 */
class NameLookupTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final AtomicInteger RUN = new AtomicInteger();

    enum Kind {
        CONNECT, WEBSOCKET;

        TransportKind transport() {
            return this == CONNECT ? TransportKind.HTTP_CONNECT : TransportKind.WEB_SOCKET;
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aConnectLooksUpTheApiAndGatewayHostsAndNeverTheSession(Kind kind) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        // fresh names each run, so that no cache of the JDK answers for them (RecordingResolverProvider maps them to
        // 127.0.0.1); plain http to them is the test's own choice
        int run = RUN.incrementAndGet();
        String apiHost = "api-" + run + RecordingResolverProvider.TEST_DOMAIN;
        String gatewayHost = "gateway-" + run + RecordingResolverProvider.TEST_DOMAIN;
        EndpointPolicy cleartext = EndpointPolicy.requireTls().allowCleartext();
        List<String> before = RecordingResolverProvider.lookups();
        String targetHost;
        try (SandboxApi api = SandboxApi.builder().baseUrl(renamed(gateway.apiUrl(), apiHost)).token(gateway.token())
                .endpointPolicy(cleartext).build();
             SandboxSsh ssh = SandboxSsh.builder()
                     .issuer(gatewayNamed(api, gatewayHost))
                     .token(gateway.token())
                     .endpointPolicy(cleartext)
                     .transport(kind.transport())
                     .build();
             SshConnection connection = ssh.connect(sessionId)) {
            assertEquals("hi\n", connection.exec("echo hi").stdoutText());
            targetHost = new Endpoints.Connect(URI.create("http://x"), gateway.connectTarget(sessionId)).targetHost();
        }
        assertTrue(RecordingResolverProvider.installed(), "the recording resolver is not the JVM's");
        List<String> lookups = RecordingResolverProvider.lookups().subList(before.size(),
                RecordingResolverProvider.lookups().size()).stream()
                .map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toList());
        assertTrue(lookups.contains(apiHost), "the API's host was never looked up: " + lookups);
        assertTrue(lookups.contains(gatewayHost), "the gateway's host was never looked up: " + lookups);
        assertTrue(lookups.stream().noneMatch(name -> name.contains(sessionId.toLowerCase(Locale.ROOT))
                        || name.equals(targetHost.toLowerCase(Locale.ROOT))),
                "the session id or CONNECT target " + targetHost + " was looked up: " + lookups);
        assertEquals(List.of(apiHost, gatewayHost), lookups.stream().distinct().sorted().collect(Collectors.toList()),
                "names looked up besides the API's and the gateway's");
    }

    /** The API's answers, with the session's tunnel endpoints on {@code gatewayHost} instead of 127.0.0.1. */
    private static CertificateIssuer gatewayNamed(SandboxApi api, String gatewayHost) {
        return (sessionId, keyPair, ttl) -> {
            IssuedCertificate issued = api.issue(sessionId, keyPair, ttl);
            Endpoints endpoints = issued.endpoints();
            Endpoints.Connect connect = endpoints.connect().orElseThrow();
            Endpoints.WebSocket webSocket = endpoints.webSocket().orElseThrow();
            return new IssuedCertificate(issued.credentials(), issued.renewAfter(), issued.hostCaKeys(),
                    issued.permissions(), new Endpoints(
                            new Endpoints.Connect(renamed(connect.proxyUrl(), gatewayHost), connect.target()),
                            new Endpoints.WebSocket(renamed(webSocket.url(), gatewayHost))),
                    issued.tunnelCredential());
        };
    }

    private static URI renamed(URI uri, String host) {
        try {
            return new URI(uri.getScheme(), uri.getUserInfo(), host, uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
