package dev.sandgate.tunnel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Extracts the message from a gateway's {@code {"error":{"code","message"}}} body, or a short excerpt of any other body. */
final class GatewayErrorBody {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_EXCERPT = 200;

    private GatewayErrorBody() {
    }

    /** The message to show, never longer than 200 characters and never containing {@code secret}; null for no body. */
    static String message(String body, String secret) {
        if (body == null || body.isBlank()) {
            return null;
        }
        String text = body;
        try {
            JsonNode error = MAPPER.readTree(body).path("error");
            if (error.hasNonNull("message")) {
                String code = error.path("code").asText("");
                text = (code.isEmpty() ? "" : code + ": ") + error.get("message").asText();
            }
        } catch (Exception notJson) {
            // fall back to the raw body
        }
        text = text.strip().replaceAll("\\s+", " ");
        if (secret != null && !secret.isEmpty()) {
            text = text.replace(secret, "***");
        }
        return text.length() <= MAX_EXCERPT ? text : text.substring(0, MAX_EXCERPT) + "...";
    }
}
