package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.ApiFault;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * A gigabyte answer from the API, success or error, ends in a typed {@code IOException} and is never held: the build
 * runs this class in its own JVM with {@code -Xmx256m}, where holding one would be an {@code OutOfMemoryError}.
 */
class OversizedAnswersTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final long GIBIBYTE = 1L << 30;
    private static final Duration BOUND = Duration.ofSeconds(30);

    @BeforeAll
    static void heapIsSmall() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertTrue(maxHeap <= 300L * 1024 * 1024, "this test must run with -Xmx256m, runs with " + (maxHeap >> 20) + " MiB");
    }

    private static SandboxApi api() {
        LocalGateway gateway = GATEWAY.gateway();
        return SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).maxRetries(0).build();
    }

    @Test
    void aGibibyteSessionAnswerIsRefused() throws Exception {
        try (SandboxApi api = api()) {
            String id = api.createSession(NewSession.builder().build()).id();
            GATEWAY.gateway().injectApiFault(ApiFault.oversizedBody(GIBIBYTE).onGets());
            InvalidResponseException refused = assertTimeoutPreemptively(BOUND,
                    () -> assertThrows(InvalidResponseException.class, () -> api.getSession(id)));
            assertTrue(refused.getMessage().contains("larger than 1024 KiB"), refused.getMessage());
            assertEquals(id, api.getSession(id).id(), "the next call is answered as usual");
        }
    }

    @Test
    void aGibibyteMintAnswerIsRefused() throws Exception {
        try (SandboxApi api = api()) {
            String id = api.createSession(NewSession.builder().build()).id();
            GATEWAY.gateway().injectApiFault(ApiFault.oversizedBody(GIBIBYTE).onMints());
            InvalidResponseException refused = assertTimeoutPreemptively(BOUND, () -> assertThrows(
                    InvalidResponseException.class, () -> api.issue(id, SshKeys.generate(), Duration.ofMinutes(5))));
            assertTrue(refused.getMessage().contains("larger than 1024 KiB"), refused.getMessage());
        }
    }

    @Test
    void aGibibyteErrorBodyIsReadOnlyInPartAndStillTyped() throws Exception {
        try (SandboxApi api = api()) {
            String id = api.createSession(NewSession.builder().build()).id();
            GATEWAY.gateway().injectApiFault(ApiFault.oversizedErrorBody(403, GIBIBYTE).onGets());
            ApiForbiddenException refused = assertTimeoutPreemptively(BOUND,
                    () -> assertThrows(ApiForbiddenException.class, () -> api.getSession(id)));
            assertEquals(403, refused.status());
            assertTrue(refused.getMessage().length() < 600, "length " + refused.getMessage().length());
        }
    }
}
