package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SandboxSshBuilderTest {
    @Test
    void aMissingTokenIsNamed() {
        assumeTrue(System.getenv("SANDGATE_API_TOKEN") == null, "the environment provides a token");
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> SandboxSsh.builder().apiUrl("http://127.0.0.1:1/v1").build());
        assertTrue(missing.getMessage().contains("SANDGATE_API_TOKEN"), missing.getMessage());
    }

    @Test
    void aMissingApiUrlIsNamed() {
        assumeTrue(System.getenv("SANDGATE_API_URL") == null, "the environment provides a URL");
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> SandboxSsh.builder().token("t").build());
        assertTrue(missing.getMessage().contains("apiUrl(...)"), missing.getMessage());
    }

    @Test
    void badValuesAreRefusedAtOnce() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().connectTimeout(Duration.ofSeconds(-1)));
        assertTrue(negative.getMessage().contains("connectTimeout"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SandboxSsh.builder().apiUrl("not a url"));
        assertThrows(IllegalArgumentException.class, () -> TransportOptions.builder().connectTimeout(Duration.ZERO));
    }
}
