package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * The environment is read only for what was not given. Runs in its own surefire execution whose JVM has
 * {@code SANDGATE_API_URL=not a url} and {@code SANDGATE_API_TOKEN=token-from-the-environment}.
 */
class EnvironmentDefaultsTest {
    private static final String ENV_TOKEN = "token-from-the-environment";

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @BeforeAll
    static void theExecutionSetTheVariables() {
        assumeTrue("not a url".equals(System.getenv(SandboxApi.ENV_API_URL))
                && ENV_TOKEN.equals(System.getenv(SandboxApi.ENV_API_TOKEN)),
                "run by the environment-defaults execution, which sets both variables");
    }

    @Test
    void aBrokenVariableDoesNotMatterWhenItsSettingIsGiven() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            String created = gateway.newSession();
            assertEquals(created, api.getSession(created).id(), "the call went to the URL given, with the token given");
        }
    }

    @Test
    void aBrokenVariableThatIsUsedIsNamed() {
        IllegalStateException broken = assertThrows(IllegalStateException.class,
                () -> SandboxApi.builder().token("t").build());
        assertTrue(broken.getMessage().startsWith(SandboxApi.ENV_API_URL + " is not a usable API URL"),
                broken.getMessage());
    }

    @Test
    void aTokenNotGivenIsTheEnvironmentsAndNeverShown() {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).build()) {
            // the gateway does not know the environment's token: the call went out with it
            ApiUnauthorizedException refused = assertThrows(ApiUnauthorizedException.class,
                    () -> api.listSessions(10, 0));
            assertFalse(refused.getMessage().contains(ENV_TOKEN), refused.getMessage());
        }
    }
}
