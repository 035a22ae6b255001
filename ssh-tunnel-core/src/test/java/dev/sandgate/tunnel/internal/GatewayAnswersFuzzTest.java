package dev.sandgate.tunnel.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of what a gateway or proxy sends that the tunnels parse: the CONNECT response head and the
 * gateway's error bodies, the resumption grant and the frames of a resumable tunnel. The head may only fail with an {@link IOException}, never keep more than it read; an error
 * body never fails, never shows a secret and never grows past its bound. See {@link dev.sandgate.cert} for the rest.
 */
class GatewayAnswersFuzzTest {
    private static final String SECRET = "tok_fuzz_SECRET_9f8e7d";

    /** The answer arrives in reads of sizes the fuzzer picks, as a socket may hand it out. */
    @FuzzTest(maxDuration = "30s")
    void connectResponseHeads(FuzzedDataProvider data) {
        int[] readSizes = data.consumeInts(8);
        byte[] answer = data.consumeRemainingAsBytes();
        try {
            HttpResponseHead head = HttpResponseHead.read(ChunkedInput.of(answer, readSizes));
            assertTrue(head.leftover.length <= answer.length, "kept more than it read");
            assertTrue(head.status >= 100 && head.status <= 599, "status " + head.status);
            head.values("proxy-authenticate");
        } catch (IOException documented) {
            // not an HTTP answer, cut short, or too long
        }
    }

    @FuzzTest(maxDuration = "30s")
    void gatewayErrorBodies(FuzzedDataProvider data) {
        boolean withSecret = data.consumeBoolean();
        String body = data.consumeRemainingAsString();
        if (withSecret) {
            body = body + SECRET + body;
        }
        String shown = GatewayErrorBody.message(body, List.of(SECRET, "Bearer " + SECRET));
        if (shown != null) {
            assertFalse(shown.contains(SECRET), shown);
            assertTrue(shown.length() <= 203, "longer than its bound: " + shown.length());
        }
    }

    /** A grant is taken whole or refused with a {@link dev.sandgate.tunnel.TunnelException}, never half-read. */
    @FuzzTest(maxDuration = "30s")
    void resumptionGrants(FuzzedDataProvider data) {
        String head = "HTTP/1.1 200 Connection established\r\n" + data.consumeRemainingAsString() + "\r\n\r\n";
        try {
            ResumeHandshake.Grant grant = ResumeHandshake.granted(
                    HttpResponseHead.read(new java.io.ByteArrayInputStream(head.getBytes(
                            java.nio.charset.StandardCharsets.ISO_8859_1))), "fuzzed tunnel");
            if (grant != null) {
                assertTrue(grant.tunnelId().matches("[A-Za-z0-9_-]{16,128}"), grant.tunnelId());
                assertTrue(grant.windowSeconds() >= 1 && grant.windowSeconds() <= ResumeHandshake.MAX_WINDOW_SECONDS, grant.toString());
                assertTrue(grant.buffer() >= ResumeHandshake.MIN_BUFFER, grant.toString());
            }
        } catch (IOException documented) {
            // not an HTTP answer, or a grant that breaks the contract
        }
    }

    /** Frames in reads of any size: data is passed on only within its frame's length, and a break is an IOException. */
    @FuzzTest(maxDuration = "30s")
    void resumableTunnelFrames(FuzzedDataProvider data) {
        int[] readSizes = data.consumeInts(8);
        byte[] bytes = data.consumeRemainingAsBytes();
        long[] passedOn = new long[1];
        ResumeFrames.Decoder decoder = new ResumeFrames.Decoder(new ResumeFrames.Handler() {
            @Override
            public void onData(java.nio.ByteBuffer chunk) {
                assertTrue(chunk.remaining() > 0 && chunk.remaining() <= ResumeFrames.MAX_DATA, "chunk " + chunk);
                passedOn[0] += chunk.remaining();
            }

            @Override
            public void onAck(long received) {
                assertTrue(received >= 0, "ack " + received);
            }

            @Override
            public void onClose() {
            }
        }, "fuzzed tunnel");
        try {
            int at = 0;
            for (int i = 0; at < bytes.length; i++) {
                int size = readSizes.length == 0 ? bytes.length : Math.max(1, Math.abs(readSizes[i % readSizes.length]) % 70000);
                int n = Math.min(size, bytes.length - at);
                decoder.feed(java.nio.ByteBuffer.wrap(bytes, at, n));
                at += n;
            }
            assertTrue(passedOn[0] <= bytes.length, "passed on more than arrived");
        } catch (IOException documented) {
            // broke the protocol
        }
    }
}
