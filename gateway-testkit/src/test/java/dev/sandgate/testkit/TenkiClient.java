package dev.sandgate.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Drives the Tenki fake as Tenki's SDK does, with the JDK's own HTTP and WebSocket clients: the token in the header
 * its prefix chooses, Connect JSON calls, the WebSocket with binary SSH bytes. Also a local TCP bridge onto one
 * WebSocket, so that MINA's SSH client can run over the gateway.
 */
final class TenkiClient {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SERVICE = "/tenki.sandbox.v1.SSHGatewayClientService/";

    private TenkiClient() {
    }

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
        String code() {
            return body == null ? null : body.path("code").asText(null);
        }
    }

    /** Sets the token's header as Tenki's SDK does: by its prefix. */
    static void authenticate(java.util.function.BiConsumer<String, String> header, String token) {
        if (token == null) {
            return;
        }
        if (token.startsWith("tk_")) {
            header.accept("Authorization", "Bearer " + token);
        } else if (token.startsWith("ory_st_")) {
            header.accept("X-Session-Token", token);
        } else {
            header.accept("Cookie", "tenki_session=" + token);
        }
    }

    static Answer call(HttpClient http, URI base, String procedure, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + SERVICE + procedure))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Connect-Protocol-Version", "1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        authenticate(request::header, token);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? JSON.readTree(response.body()) : null;
        return new Answer(response.statusCode(), json, response);
    }

    static Answer mint(HttpClient http, URI base, String token, String sessionId, PublicKey key) throws Exception {
        return call(http, base, "IssueSandboxSSHCert", token, JSON.createObjectNode()
                .put("sessionId", sessionId).put("publicKey", PublicKeyEntry.toString(key)).toString());
    }

    static KeyPair newKeys() throws Exception {
        return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    }

    /** Opens a WebSocket with the token; the future fails with the upgrade's refusal. */
    static CompletableFuture<WebSocket> openWebSocket(HttpClient http, URI url, String token, WebSocket.Listener listener) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        authenticate(builder::header, token);
        return builder.buildAsync(url, listener);
    }

    /** The HTTP status an upgrade was refused with, or 101 when it opened (then it is closed again). */
    static int upgradeStatus(HttpClient http, URI url, String token) throws Exception {
        try {
            WebSocket socket = openWebSocket(http, url, token, new WebSocket.Listener() { })
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            socket.abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException) {
                return ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
            }
            throw e;
        }
    }

    /**
     * A local TCP port whose one connection is carried over a WebSocket to the gateway: what a Tenki client's
     * transport does, in the simplest form.
     */
    static final class Bridge implements AutoCloseable {
        private final ServerSocket server;
        private final Thread acceptor;
        private volatile Socket socket;
        private volatile WebSocket webSocket;

        Bridge(HttpClient http, URI url, String token) throws IOException {
            this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            this.acceptor = new Thread(() -> run(http, url, token), "tenki-test-bridge");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void run(HttpClient http, URI url, String token) {
            try (Socket accepted = server.accept()) {
                socket = accepted;
                OutputStream toClient = accepted.getOutputStream();
                WebSocket ws = openWebSocket(http, url, token, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        try {
                            byte[] bytes = new byte[data.remaining()];
                            data.get(bytes);
                            toClient.write(bytes);
                            toClient.flush();
                        } catch (IOException e) {
                            w.abort();
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        closeQuietly(accepted);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        closeQuietly(accepted);
                    }
                }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                webSocket = ws;
                InputStream fromClient = accepted.getInputStream();
                byte[] buffer = new byte[32 * 1024];
                for (int n; (n = fromClient.read(buffer)) >= 0; ) {
                    ws.sendBinary(ByteBuffer.wrap(buffer, 0, n), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                // the connection ends; the SSH client sees its socket close
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            if (socket != null) {
                socket.close();
            }
            if (webSocket != null) {
                webSocket.abort();
            }
            acceptor.join(TIMEOUT.toMillis());
        }
    }
}
