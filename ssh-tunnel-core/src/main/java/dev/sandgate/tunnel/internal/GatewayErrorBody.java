package dev.sandgate.tunnel.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Extracts the message from a gateway's {@code {"error":{"code","message"}}} body, or a short excerpt of any other body. */
final class GatewayErrorBody {
    /** Made on first use: a tunnel that opens fine never needs a JSON parser (which costs tens of ms to start). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private static final int MAX_EXCERPT = 200;

    private GatewayErrorBody() {
    }

    /** The message to show, never longer than 200 characters and never containing a secret; null for no body. */
    static String message(String body, Collection<String> secrets) {
        if (body == null || body.isBlank()) {
            return null;
        }
        String text = body;
        try {
            JsonNode error = Json.MAPPER.readTree(body).path("error");
            if (error.hasNonNull("message")) {
                String code = error.path("code").asText("");
                text = (code.isEmpty() ? "" : code + ": ") + error.get("message").asText();
            }
        } catch (Exception notJson) {
            // fall back to the raw body
        }
        text = text.strip().replaceAll("\\s+", " ");
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                text = text.replace(secret, "***");
            }
        }
        text = text.replaceAll("\\p{Cntrl}", "?");
        return text.length() <= MAX_EXCERPT ? text : text.substring(0, MAX_EXCERPT) + "...";
    }

    /** Every header value, and its part after the scheme or the equals sign: what a message must not show. */
    static List<String> secrets(Map<String, String> headers) {
        List<String> secrets = new ArrayList<>();
        for (String value : headers.values()) {
            secrets.add(value);
            int space = value.indexOf(' ');
            if (space > 0) {
                secrets.add(value.substring(space + 1));
            }
            int equals = value.indexOf('=');
            if (equals > 0) {
                secrets.add(value.substring(equals + 1));
            }
        }
        return secrets;
    }
}
