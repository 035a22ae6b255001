package dev.sandgate.testkit.internal;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An HTTP answer of the gateway: status, JSON body (may be empty) and extra headers; for a fault, {@code floodBytes}
 * more bytes streamed after the body.
 */
record ApiAnswer(int status, String body, Map<String, String> headers, long floodBytes) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    ApiAnswer(int status, String body, Map<String, String> headers) {
        this(status, body, headers, 0);
    }

    /** A body that starts with {@code start} and goes on for {@code floodBytes} more bytes. */
    static ApiAnswer oversized(int status, String start, long floodBytes) {
        return new ApiAnswer(status, start, Map.of(), floodBytes);
    }

    static ApiAnswer json(int status, Object body) {
        try {
            return new ApiAnswer(status, MAPPER.writeValueAsString(body), Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ApiAnswer noContent() {
        return new ApiAnswer(204, "", Map.of());
    }

    /** The contract's error shape: {@code {"error":{"code","message","details"}}}. */
    static ApiAnswer error(int status, String code, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.putObject("details");
        return new ApiAnswer(status, root.toString(), Map.of());
    }

    ApiAnswer withHeader(String name, String value) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(headers);
        all.put(name, value);
        return new ApiAnswer(status, body, Map.copyOf(all), floodBytes);
    }
}
