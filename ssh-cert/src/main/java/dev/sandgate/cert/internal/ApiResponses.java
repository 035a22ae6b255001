package dev.sandgate.cert.internal;

import java.net.URI;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.Permissions;
import dev.sandgate.cert.SandboxApiException;
import dev.sandgate.cert.SandboxSession;
import dev.sandgate.cert.SessionPage;
import dev.sandgate.cert.SshCertificate;
import dev.sandgate.cert.SshKeys;

/** Turns the API's JSON into value types, naming the field when something is missing or malformed. Not API. */
public final class ApiResponses {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiResponses() {
    }

    public static SandboxSession session(JsonNode json) throws SandboxApiException {
        try {
            Map<String, String> metadata = new LinkedHashMap<>();
            JsonNode meta = json.path("metadata");
            meta.fieldNames().forEachRemaining(name -> metadata.put(name, meta.get(name).asText()));
            return new SandboxSession(
                    text(json, "session_id"),
                    SandboxSession.Status.valueOf(text(json, "status").toUpperCase(Locale.ROOT)),
                    instant(json, "created_at"),
                    instant(json, "expires_at"),
                    optionalInstant(json, "last_activity_at"),
                    metadata);
        } catch (IllegalArgumentException e) {
            throw new SandboxApiException("The API sent a malformed session: " + e.getMessage(), 200, null, e);
        }
    }

    public static SessionPage sessionPage(JsonNode json) throws SandboxApiException {
        List<SandboxSession> sessions = new ArrayList<>();
        for (JsonNode session : json.path("sessions")) {
            sessions.add(session(session));
        }
        return new SessionPage(sessions, json.path("total").asInt(sessions.size()), json.path("limit").asInt(),
                json.path("offset").asInt());
    }

    /**
     * @throws IllegalArgumentException if a field is missing or the certificate does not fit the key pair
     */
    public static IssuedCertificate issuedCertificate(JsonNode json, KeyPair keyPair) {
        SshCertificate certificate = SshCertificate.parse(text(json, "certificate"));
        Credentials credentials = new Credentials(text(json, "username"), keyPair, certificate);
        List<PublicKey> hostCaKeys = new ArrayList<>();
        for (JsonNode key : json.path("host_ca_public_keys")) {
            hostCaKeys.add(SshKeys.parsePublicKey(key.asText()));
        }
        if (hostCaKeys.isEmpty()) {
            throw new IllegalArgumentException("host_ca_public_keys is empty: the session's host could not be verified");
        }
        JsonNode permissions = json.path("permissions");
        Instant renewAfter = json.hasNonNull("renew_after") ? instant(json, "renew_after") : twoThirdsInto(certificate);
        return new IssuedCertificate(credentials, renewAfter, hostCaKeys,
                new Permissions(permissions.path("pty").asBoolean(true), permissions.path("port_forwarding").asBoolean(false),
                        permissions.path("agent_forwarding").asBoolean(false)),
                endpoints(json.path("endpoints")));
    }

    private static Endpoints endpoints(JsonNode json) {
        Endpoints.Connect connect = null;
        JsonNode c = json.path("connect");
        if (c.isObject()) {
            connect = new Endpoints.Connect(URI.create(text(c, "proxy_url")), text(c, "target"));
        }
        Endpoints.WebSocket webSocket = null;
        JsonNode w = json.path("websocket");
        if (w.isObject()) {
            webSocket = new Endpoints.WebSocket(URI.create(text(w, "url")));
        }
        return new Endpoints(connect, webSocket);
    }

    private static Instant twoThirdsInto(SshCertificate certificate) {
        Instant start = certificate.validAfter();
        long lifetime = certificate.validBefore().getEpochSecond() - start.getEpochSecond();
        return start.plusSeconds(lifetime * 2 / 3);
    }

    /** The exception for an error answer, from the contract's {@code {"error":{"code","message"}}} body. */
    public static SandboxApiException error(String what, int status, String body, String secret) {
        String code = null;
        String message = null;
        try {
            JsonNode error = MAPPER.readTree(body).path("error");
            code = error.hasNonNull("code") ? error.get("code").asText() : null;
            message = error.hasNonNull("message") ? error.get("message").asText() : null;
        } catch (Exception notJson) {
            // the message below quotes the body instead
        }
        StringBuilder text = new StringBuilder(what).append(" failed: HTTP ").append(status);
        if (code != null) {
            text.append(' ').append(redact(code, secret));
        }
        if (message != null) {
            text.append(": ").append(redact(message, secret));
        } else if (!body.isBlank()) {
            text.append(": ").append(excerpt(body, secret));
        }
        return new SandboxApiException(text.toString(), status, code, null);
    }

    /** At most 200 characters of a body, with the secret blanked out. */
    public static String excerpt(String body, String secret) {
        String flat = redact(body.strip().replaceAll("\\s+", " "), secret);
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
    }

    private static String redact(String text, String secret) {
        return secret == null || secret.isEmpty() ? text : text.replace(secret, "***");
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull() || !value.isValueNode() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value.asText();
    }

    private static Instant instant(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value != null && value.isNumber()) {
            return Instant.ofEpochSecond(value.asLong());
        }
        String text = text(json, field);
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("field '" + field + "' is not an ISO-8601 instant: '" + text + "'");
        }
    }

    private static Instant optionalInstant(JsonNode json, String field) {
        return json.hasNonNull(field) ? instant(json, field) : null;
    }
}
