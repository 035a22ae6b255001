package dev.sandgate.cert.internal;

import java.net.URI;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
                    sessionId(text(json, "session_id")),
                    status(text(json, "status")),
                    instant(json, "created_at"),
                    instant(json, "expires_at"),
                    optionalInstant(json, "last_activity_at"),
                    metadata);
        } catch (IllegalArgumentException e) {
            throw new InvalidResponseException("The API sent a malformed session: " + e.getMessage(), 200, null, null, e);
        }
    }

    /** The id the API named a session by, held to the rule for ids a user types: it becomes a path and a file name. */
    private static String sessionId(String id) {
        try {
            return Checks.sessionId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field 'session_id' is not a usable session id: " + e.getMessage());
        }
    }

    private static SandboxSession.Status status(String status) {
        for (SandboxSession.Status known : SandboxSession.Status.values()) {
            if (known.name().equalsIgnoreCase(status)) {
                return known;
            }
        }
        throw new IllegalArgumentException("field 'status' is not one of running, paused, stopped: '"
                + Checks.escaped(status) + "'");
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

    /** How far a gateway's clock may run ahead, and how much longer than asked a certificate may last. */
    static final Duration ALLOWED_SKEW = Duration.ofMinutes(5);
    static final Duration ALLOWED_EXTRA_LIFETIME = Duration.ofMinutes(10);
    /** The critical options Sandgate understands (and shows); a certificate with any other is refused. */
    static final Set<String> KNOWN_CRITICAL_OPTIONS = Set.of("force-command", "source-address", "verify-required");

    /**
     * @param sessionId the session the mint was for: the certificate must name it, or the user, as a principal
     * @param ttl       the lifetime asked for: a certificate valid much longer is refused
     * @param now       when the answer arrived: a certificate already expired then, or not valid for a while yet, is
     *                  refused
     * @throws IllegalArgumentException if a field is missing, or the certificate does not fit the key pair, is not a
     *                                  user certificate, has expired, is not yet valid, names other principals than
     *                                  the session's or the user, is not validly signed (or with SHA-1, or by an RSA
     *                                  CA under 2048 bits), outlasts what was asked, or carries a critical option
     *                                  Sandgate does not understand
     */
    public static IssuedCertificate issuedCertificate(JsonNode json, KeyPair keyPair, String sessionId, Duration ttl,
            Instant now) {
        SshCertificate certificate = certificate(text(json, "certificate"));
        String username = Checks.username(text(json, "username"), "username");
        String id = Checks.escaped(certificate.keyId());
        List<String> principals = certificate.principals();
        for (String principal : principals) {
            Checks.principal(principal, "certificate principals");
        }
        serial(json, certificate);
        checkValidity(certificate, ttl, now);
        if (!principals.contains(sessionId) && !principals.contains(username)) {
            throw new IllegalArgumentException("certificate " + id + " has principals " + principals + ", naming neither"
                    + " the session " + sessionId + " nor the user '" + username + "'"
                    + (principals.isEmpty() ? ": with none it would be valid for any user" : ""));
        }
        JsonNode listed = json.get("principals");
        if (listed != null && listed.isArray()) {
            Set<String> said = new TreeSet<>();
            for (JsonNode principal : listed) {
                if (!principal.isTextual()) {
                    throw new IllegalArgumentException("field 'principals' holds " + principal.getNodeType()
                            + " where a principal (a string) belongs");
                }
                said.add(Checks.principal(principal.asText(), "principals"));
            }
            if (!said.equals(new TreeSet<>(principals))) {
                throw new IllegalArgumentException("field 'principals' says " + said + " but certificate " + id
                        + " names " + principals);
            }
        }
        checkSignatureAndOptions(certificate, id);
        Credentials credentials = new Credentials(username, keyPair, certificate);
        List<PublicKey> hostCaKeys = publicKeys(json, "host_ca_public_keys");
        List<PublicKey> hostKeys = publicKeys(json, "host_public_keys");
        if (hostCaKeys.isEmpty() && hostKeys.isEmpty()) {
            throw new IllegalArgumentException("host_ca_public_keys and host_public_keys are both empty: the session's"
                    + " host could not be verified");
        }
        JsonNode permissions = json.path("permissions");
        Instant renewAfter = json.hasNonNull("renew_after") ? instant(json, "renew_after") : twoThirdsInto(certificate);
        Optional<String> tunnelCredential = json.hasNonNull("tunnel_credential")
                ? Optional.of(Checks.headerValue(text(json, "tunnel_credential"), "tunnel_credential"))
                : Optional.empty();
        return new IssuedCertificate(credentials, renewAfter, hostCaKeys,
                new Permissions(permissions.path("pty").asBoolean(true), permissions.path("port_forwarding").asBoolean(false),
                        permissions.path("agent_forwarding").asBoolean(false)),
                endpoints(json.path("endpoints")), tunnelCredential, hostKeys);
    }

    /** Refuses a certificate expired on arrival, not valid for a while yet, or valid far longer than asked. */
    static void checkValidity(SshCertificate certificate, Duration ttl, Instant now) {
        String id = Checks.escaped(certificate.keyId());
        if (!certificate.validBefore().isAfter(now)) {
            throw new IllegalArgumentException("certificate " + id + " expired at "
                    + certificate.validBefore() + ", before it arrived (" + now + "); check the gateway's clock");
        }
        if (certificate.validAfter().isAfter(now.plus(ALLOWED_SKEW))) {
            throw new IllegalArgumentException("certificate " + id + " is not valid until " + certificate.validAfter()
                    + ", more than " + ALLOWED_SKEW.toMinutes() + " minutes from now (" + now + "); check the gateway's"
                    + " clock");
        }
        Duration lifetime = Duration.between(certificate.validAfter(), certificate.validBefore());
        if (lifetime.compareTo(ttl.plus(ALLOWED_EXTRA_LIFETIME)) > 0) {
            throw new IllegalArgumentException("certificate " + id + " is valid for " + lifetime + " ("
                    + certificate.validAfter() + " to " + certificate.validBefore() + "), far longer than the " + ttl
                    + " asked for");
        }
    }

    /** The field's public keys (an absent field is none), each an OpenSSH public key line: a certificate is refused. */
    private static List<PublicKey> publicKeys(JsonNode json, String field) {
        JsonNode listed = json.get(field);
        if (listed == null || listed.isNull()) {
            return List.of();
        }
        if (!listed.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' is not an array of public keys");
        }
        List<PublicKey> keys = new ArrayList<>();
        for (JsonNode key : listed) {
            String line = key.isTextual() ? key.asText() : "";
            PublicKey parsed;
            try {
                parsed = SshKeys.parsePublicKey(line);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("field '" + field + "' holds something that is not an OpenSSH public"
                        + " key: '" + Checks.escaped(key.isTextual() ? line : key.toString()) + "'");
            }
            if (parsed instanceof org.apache.sshd.common.config.keys.OpenSshCertificate) {
                throw new IllegalArgumentException("field '" + field + "' holds a certificate where a public key belongs");
            }
            keys.add(parsed);
        }
        return keys;
    }

    /**
     * The certificate, if its line is one line without control characters (it is written to a file as it came) and
     * its key id is one without control characters either (it becomes the comment of the key files).
     */
    static SshCertificate certificate(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Checks.isUnsafe(line.charAt(i)) && line.charAt(i) != '\t') {
                throw new IllegalArgumentException("field 'certificate' must be one OpenSSH line without control"
                        + " characters: '" + Checks.escaped(line) + "'");
            }
        }
        SshCertificate certificate;
        try {
            certificate = SshCertificate.parse(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field 'certificate' is not an OpenSSH certificate: "
                    + Checks.escaped(String.valueOf(e.getMessage())), e);
        }
        String keyId = certificate.keyId();
        boolean bad = keyId.length() > 1024;
        for (int i = 0; i < keyId.length() && !bad; i++) {
            bad = Checks.isUnsafe(keyId.charAt(i));
        }
        if (bad) {
            throw new IllegalArgumentException("the certificate's key id is longer than 1024 characters or holds a"
                    + " control character: '" + Checks.escaped(keyId) + "'");
        }
        return certificate;
    }

    /** The largest serial an OpenSSH certificate can carry (a uint64). */
    private static final java.math.BigInteger MAX_SERIAL = java.math.BigInteger.ONE.shiftLeft(64)
            .subtract(java.math.BigInteger.ONE);

    /**
     * The answer's {@code serial}, when it has one, must be a whole number from 0 to 2^64-1 (an OpenSSH serial is a
     * uint64) and the certificate's own serial: a gateway that says one and signs another is not to be believed.
     */
    private static void serial(JsonNode json, SshCertificate certificate) {
        JsonNode serial = json.get("serial");
        if (serial == null || serial.isNull()) {
            return;
        }
        java.math.BigInteger value;
        if (serial.isIntegralNumber()) {
            value = serial.bigIntegerValue();
        } else if (serial.isTextual() && serial.asText().matches("[0-9]{1,20}")) {
            value = new java.math.BigInteger(serial.asText());
        } else {
            throw new IllegalArgumentException("field 'serial' is not a whole number: "
                    + Checks.escaped(serial.toString()));
        }
        if (value.signum() < 0 || value.compareTo(MAX_SERIAL) > 0) {
            throw new IllegalArgumentException("field 'serial' is " + value + ", outside 0 to 2^64-1 (a certificate"
                    + " serial is a uint64)");
        }
        String signed = Long.toUnsignedString(certificate.serial());
        if (!value.toString().equals(signed)) {
            throw new IllegalArgumentException("field 'serial' says " + value + " but certificate "
                    + Checks.escaped(certificate.keyId()) + " carries serial " + signed);
        }
    }

    /** The CA's signature must verify, and not with SHA-1 nor an RSA key under 2048 bits (as OpenSSH refuses). */
    /** A signature Sandgate trusts, and no critical option it does not understand. */
    static void checkSignatureAndOptions(SshCertificate certificate, String id) {
        checkSignature(certificate);
        Set<String> unknown = new TreeSet<>(certificate.criticalOptions().keySet());
        unknown.removeAll(KNOWN_CRITICAL_OPTIONS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("certificate " + id + " carries critical options Sandgate does not"
                    + " understand: " + unknown + " (it knows " + new TreeSet<>(KNOWN_CRITICAL_OPTIONS) + ")");
        }
    }

    private static void checkSignature(SshCertificate certificate) {
        String id = Checks.escaped(certificate.keyId());
        if (!certificate.hasValidSignature()) {
            throw new IllegalArgumentException("certificate " + id + " has a CA signature that does not verify");
        }
        if ("ssh-rsa".equals(certificate.signatureAlgorithm())) {
            throw new IllegalArgumentException("certificate " + id + " is signed with ssh-rsa (SHA-1), which is refused;"
                    + " the CA must sign with rsa-sha2-256 or rsa-sha2-512");
        }
        PublicKey ca = certificate.caPublicKey();
        if (ca instanceof RSAPublicKey && ((RSAPublicKey) ca).getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException("certificate " + id + " is signed by an RSA CA of "
                    + ((RSAPublicKey) ca).getModulus().bitLength() + " bits; at least 2048 are required");
        }
    }

    private static Endpoints endpoints(JsonNode json) {
        Endpoints.Connect connect = null;
        JsonNode c = json.path("connect");
        if (c.isObject()) {
            URI proxy = url(text(c, "proxy_url"), "endpoints.connect.proxy_url");
            String target = text(c, "target");
            int colon = target.lastIndexOf(':');
            Checks.host(colon < 0 ? target : target.substring(0, colon), "endpoints.connect.target");
            connect = new Endpoints.Connect(proxy, target);
        }
        Endpoints.WebSocket webSocket = null;
        JsonNode w = json.path("websocket");
        if (w.isObject()) {
            webSocket = new Endpoints.WebSocket(url(text(w, "url"), "endpoints.websocket.url"));
        }
        return new Endpoints(connect, webSocket);
    }

    /** The field's URL, if it parses and names a host that {@link Checks#host} takes. */
    private static URI url(String text, String field) {
        URI url;
        try {
            url = new URI(text);
        } catch (java.net.URISyntaxException e) {
            // the exception's own message repeats the raw text: name the field and show it escaped instead
            throw new IllegalArgumentException("field '" + field + "' is not a URL: '" + Checks.escaped(text) + "'");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("field '" + field + "' has no host name that can be used: '"
                    + Checks.escaped(text) + "'");
        }
        Checks.host(url.getHost(), field);
        return url;
    }

    static Instant twoThirdsInto(SshCertificate certificate) {
        Instant start = certificate.validAfter();
        long lifetime = certificate.validBefore().getEpochSecond() - start.getEpochSecond();
        return start.plusSeconds(lifetime * 2 / 3);
    }

    static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull() || !value.isValueNode() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value.asText();
    }

    static Instant instant(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value != null && value.isNumber()) {
            return Instant.ofEpochSecond(value.asLong());
        }
        String text = text(json, field);
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("field '" + field + "' is not an ISO-8601 instant: '"
                    + Checks.escaped(text) + "'");
        }
    }

    private static Instant optionalInstant(JsonNode json, String field) {
        return json.hasNonNull(field) ? instant(json, field) : null;
    }
}
