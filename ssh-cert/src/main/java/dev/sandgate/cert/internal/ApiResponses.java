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

import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.InvalidResponseException;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.Permissions;
import dev.sandgate.cert.SandboxApiException;
import dev.sandgate.cert.SandboxSession;
import dev.sandgate.cert.SessionPage;
import dev.sandgate.cert.SshCertificate;
import dev.sandgate.cert.SshKeys;

/** Turns the API's JSON into value types, naming the field when something is missing or malformed. Not API. */
public final class ApiResponses {
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
            throw new InvalidResponseException("The API sent a malformed session: " + e.getMessage(), 200, null, null, e);
        }
    }

    public static SessionPage sessionPage(JsonNode json) throws SandboxApiException {
        if (!json.path("sessions").isArray()) {
            throw new InvalidResponseException("The API sent a session list without a 'sessions' array", 200, null, null, null);
        }
        List<SandboxSession> sessions = new ArrayList<>();
        for (JsonNode session : json.path("sessions")) {
            sessions.add(session(session));
        }
        return new SessionPage(sessions, json.path("total").asInt(sessions.size()), json.path("limit").asInt(),
                json.path("offset").asInt());
    }

    /**
     * @param now when the answer arrived: a certificate already expired then is refused
     * @throws IllegalArgumentException if a field is missing, or the certificate does not fit the key pair, is not a
     *                                  user certificate, or has expired
     */
    public static IssuedCertificate issuedCertificate(JsonNode json, KeyPair keyPair, Instant now) {
        SshCertificate certificate = SshCertificate.parse(text(json, "certificate"));
        if (!certificate.validBefore().isAfter(now)) {
            throw new IllegalArgumentException("certificate " + certificate.keyId() + " expired at "
                    + certificate.validBefore() + ", before it arrived (" + now + "); check the gateway's clock");
        }
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
