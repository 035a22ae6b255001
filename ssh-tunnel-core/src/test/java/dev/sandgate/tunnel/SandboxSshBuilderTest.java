package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /** The README's {@code .token(System.getenv("SANDGATE_API_TOKEN"))} with the variable unset. */
    @Test
    void aNullTokenSaysHowToGiveOne() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().apiUrl("http://127.0.0.1:1/v1").token(null));
        assertTrue(missing.getMessage().contains("token is missing"), missing.getMessage());
        assertTrue(missing.getMessage().contains("SANDGATE_API_TOKEN"), missing.getMessage());
    }

    @Test
    void aBlankTokenIsRefusedWithoutShowingIt() {
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().token(" \t "));
        assertTrue(blank.getMessage().contains("SANDGATE_API_TOKEN"), blank.getMessage());
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().token("s3cret-token\nX-Evil: 1"));
        assertFalse(broken.getMessage().contains("s3cret-token"), broken.getMessage());
    }

    @Test
    void aNullApiUrlSaysHowToGiveOne() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SandboxSsh.builder().apiUrl((String) null));
        assertTrue(missing.getMessage().contains("SANDGATE_API_URL"), missing.getMessage());
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
