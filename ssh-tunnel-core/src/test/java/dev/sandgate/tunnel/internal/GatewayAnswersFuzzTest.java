package dev.sandgate.tunnel.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of what a gateway or proxy sends that the tunnels parse: the CONNECT response head and the
 * gateway's error bodies. The head may only fail with an {@link IOException}, never keep more than it read; an error
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
}
