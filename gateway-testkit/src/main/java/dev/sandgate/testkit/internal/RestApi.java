package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.security.PublicKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** The REST side of gateway contract v1, independent of the HTTP server that carries it. */
final class RestApi {
    static final Duration MAX_CERTIFICATE_TTL = Duration.ofHours(24);
    static final Duration DEFAULT_CERTIFICATE_TTL = Duration.ofMinutes(30);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SessionRegistry registry;
    private final ApiFaults faults;
    /** The keys of session creations; null when the gateway ignores {@code Idempotency-Key}, as a gateway may. */
    private final IdempotencyKeys idempotencyKeys;

    RestApi(SessionRegistry registry, ApiFaults faults, IdempotencyKeys idempotencyKeys) {
        this.registry = registry;
        this.faults = faults;
        this.idempotencyKeys = idempotencyKeys;
    }

    /**
     * @param httpBase the scheme, host and port the request came in on, e.g. {@code https://127.0.0.1:4431}
     * @param wsBase   the same listener as a WebSocket base, e.g. {@code wss://127.0.0.1:4431}
     * @param idempotencyKey the {@code Idempotency-Key} header, or null
     */
    ApiAnswer handle(String method, String path, Map<String, List<String>> query, String authorization, String body,
            String httpBase, String wsBase, String idempotencyKey) {
        FaultRule fault = faults.take(method, path);
        ApiAnswer answer = answer(method, path, query, authorization, body, httpBase, wsBase, fault, idempotencyKey);
        if (fault != null && fault.kind == FaultRule.Kind.LATE_ANSWER) {
            // the call is done (a session made, a certificate minted); only its answer is late, as behind a slow proxy
            pause(fault.duration);
        }
        return fault != null && fault.kind == FaultRule.Kind.ANSWER_FIELD ? withField(answer, fault) : answer;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The answer with the fault's value put where its pointer says, if the answer is a JSON success that has room. */
    private static ApiAnswer withField(ApiAnswer answer, FaultRule fault) {
        if (answer.status() / 100 != 2 || answer.body().isEmpty()) {
            return answer;
        }
        try {
            JsonNode root = MAPPER.readTree(answer.body());
            com.fasterxml.jackson.core.JsonPointer pointer = com.fasterxml.jackson.core.JsonPointer.compile(fault.text);
            JsonNode parent = root.at(pointer.head());
            JsonNode value = MAPPER.readTree(fault.value);
            String last = pointer.last().getMatchingProperty();
            if (parent instanceof ObjectNode) {
                ((ObjectNode) parent).set(last, value);
            } else if (parent instanceof ArrayNode && pointer.last().mayMatchElement()
                    && pointer.last().getMatchingIndex() < parent.size()) {
                ((ArrayNode) parent).set(pointer.last().getMatchingIndex(), value);
            } else {
                return answer;
            }
            return new ApiAnswer(answer.status(), MAPPER.writeValueAsString(root), answer.headers(), answer.floodBytes());
        } catch (IOException notJson) {
            return answer;
        }
    }

    private ApiAnswer answer(String method, String path, Map<String, List<String>> query, String authorization,
            String body, String httpBase, String wsBase, FaultRule fault, String idempotencyKey) {
        if (fault != null) {
            ApiAnswer injected = injected(fault, method);
            if (injected != null) {
                return injected;
            }
        }
        if (!path.equals("/v1") && !path.startsWith("/v1/")) {
            return ApiAnswer.error(404, "not_found", "No such endpoint: " + path + " (the API lives under /v1)");
        }
        String token = Bearer.token(authorization);
        if (!registry.isValidToken(token)) {
            return ApiAnswer.error(401, "unauthorized",
                    token == null ? "Missing bearer token" : "The bearer token is not valid")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"sandgate\"");
        }
        String[] parts = path.substring("/v1".length()).split("/");
        try {
            if (parts.length == 2 && parts[1].equals("sessions")) {
                switch (method) {
                    case "POST": return createSession(token, body, idempotencyKey);
                    case "GET": return listSessions(token, query);
                    default: return methodNotAllowed(method, path);
                }
            }
            if (parts.length >= 3 && parts[1].equals("sessions")) {
                GatewaySession session = registry.get(parts[2]);
                if (session == null) {
                    return ApiAnswer.error(404, "session_not_found", "No session " + parts[2]);
                }
                if (!session.ownerToken.equals(token)) {
                    return ApiAnswer.error(403, "forbidden", "Session " + session.id + " belongs to another account");
                }
                if (parts.length == 3) {
                    switch (method) {
                        case "GET": return ApiAnswer.json(200, sessionJson(session));
                        case "DELETE":
                            registry.delete(session.id);
                            return ApiAnswer.noContent();
                        default: return methodNotAllowed(method, path);
                    }
                }
                if (parts.length == 5 && parts[3].equals("ssh") && parts[4].equals("certificates")) {
                    return "POST".equals(method) ? mint(session, body, httpBase, wsBase, fault)
                            : methodNotAllowed(method, path);
                }
            }
            return ApiAnswer.error(404, "not_found", "No such endpoint: " + method + " " + path);
        } catch (BadRequest e) {
            return ApiAnswer.error(400, "invalid_request", e.getMessage());
        } catch (IOException | RuntimeException e) {
            return ApiAnswer.error(500, "internal", "The gateway failed: " + e);
        }
    }

    /**
     * {@code POST /sessions}. With an {@code Idempotency-Key} (and a gateway that honours it), a call that repeats an
     * answered one (same account, key and body, within the window) gets the first answer again and makes nothing; one
     * with the same key and another body is 422; one whose first call is still working is 409.
     */
    private ApiAnswer createSession(String token, String body, String idempotencyKey) throws IOException {
        JsonNode json = parse(body);
        if (idempotencyKey == null || idempotencyKeys == null) {
            return newSession(token, json);
        }
        if (!IdempotencyKeys.isValid(idempotencyKey)) {
            throw new BadRequest("Idempotency-Key must be 1 to " + IdempotencyKeys.MAX_KEY_LENGTH
                    + " visible ASCII characters (no spaces or control characters)");
        }
        IdempotencyKeys.Claim claim = idempotencyKeys.claim(token, idempotencyKey, json);
        if (claim instanceof IdempotencyKeys.Replay replay) {
            return replay.answer().withHeader("Idempotent-Replayed", "true");
        }
        if (claim instanceof IdempotencyKeys.Reused) {
            return ApiAnswer.error(422, "idempotency_key_reused", "Idempotency-Key " + idempotencyKey
                    + " was already used with a different request body; use a new key for a new session");
        }
        if (claim instanceof IdempotencyKeys.InUse) {
            return ApiAnswer.error(409, "idempotency_key_in_use", "A request with Idempotency-Key " + idempotencyKey
                    + " is still being processed; retry shortly");
        }
        IdempotencyKeys.Claimed claimed = (IdempotencyKeys.Claimed) claim;
        ApiAnswer answer = null;
        try {
            answer = newSession(token, json);
            return answer;
        } finally {
            if (answer != null && answer.status() / 100 == 2) {
                idempotencyKeys.complete(claimed, answer);
            } else {
                idempotencyKeys.release(claimed);
            }
        }
    }

    private ApiAnswer newSession(String token, JsonNode json) throws IOException {
        long ttl = json.path("ttl").asLong(3600);
        if (ttl <= 0) {
            throw new BadRequest("ttl must be a positive number of seconds, got " + json.path("ttl"));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = json.path("metadata");
        meta.fieldNames().forEachRemaining(name -> metadata.put(name, meta.get(name).asText()));
        PublicKey authorizedKey = null;
        if (json.hasNonNull("ssh_public_key")) {
            try {
                authorizedKey = PublicKeyEntry.parsePublicKeyEntry(json.get("ssh_public_key").asText())
                        .resolvePublicKey(null, java.util.Map.of(), PublicKeyEntryResolver.FAILING);
            } catch (IllegalArgumentException | IOException | java.security.GeneralSecurityException e) {
                throw new BadRequest("ssh_public_key is not an OpenSSH public key line: " + e.getMessage());
            }
        }
        GatewaySession session = registry.create(token, Duration.ofSeconds(ttl), json.path("image").asText("default"),
                metadata, authorizedKey);
        return ApiAnswer.json(201, sessionJson(session));
    }

    private ApiAnswer listSessions(String token, Map<String, List<String>> query) {
        int limit = intParameter(query, "limit", 20);
        int offset = intParameter(query, "offset", 0);
        if (limit < 1 || limit > 100 || offset < 0) {
            throw new BadRequest("limit must be 1..100 and offset at least 0, got limit=" + limit + " offset=" + offset);
        }
        List<GatewaySession> all = registry.list(token);
        ObjectNode page = MAPPER.createObjectNode();
        ArrayNode sessions = page.putArray("sessions");
        for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
            sessions.add(sessionJson(all.get(i)));
        }
        page.put("total", all.size());
        page.put("limit", limit);
        page.put("offset", offset);
        return ApiAnswer.json(200, page);
    }

    /** The answer an injected fault gives instead of the real one, or null when the call goes on (delays, mint faults). */
    private static ApiAnswer injected(FaultRule fault, String method) {
        switch (fault.kind) {
            case STATUS:
                return faultStatus(fault);
            case MALFORMED_JSON:
                return new ApiAnswer("POST".equals(method) ? 201 : 200, "{\"session_id\": \"unterminated", Map.of());
            case REDIRECT:
                return new ApiAnswer(fault.status, "", Map.of("Location", fault.text));
            case OVERSIZED_BODY:
                return fault.status == 0
                        ? ApiAnswer.oversized("POST".equals(method) ? 201 : 200, "{\"padding\": \"", fault.bytes)
                        : ApiAnswer.oversized(fault.status, "{\"error\": {\"code\": \"injected\", \"message\": \"",
                                fault.bytes);
            case ERROR_MESSAGE:
                return ApiAnswer.error(fault.status, "injected", fault.text);
            case DELAY:
                pause(fault.duration);
                return null;
            default:
                return null;
        }
    }

    private static ApiAnswer faultStatus(FaultRule fault) {
        String code;
        switch (fault.status) {
            case 401: code = "unauthorized"; break;
            case 403: code = "forbidden"; break;
            case 404: code = "session_not_found"; break;
            case 409: code = "session_not_running"; break;
            case 429: code = "rate_limited"; break;
            case 503: code = "unavailable"; break;
            default: code = fault.status >= 500 ? "internal" : "injected";
        }
        ApiAnswer answer = ApiAnswer.error(fault.status, code, "Injected fault: HTTP " + fault.status);
        if (fault.duration != null) {
            answer = answer.withHeader("Retry-After", Long.toString(fault.duration.toSeconds()));
        }
        if (fault.status == 429) {
            answer = answer.withHeader("X-RateLimit-Limit", "100")
                    .withHeader("X-RateLimit-Remaining", "0")
                    .withHeader("X-RateLimit-Reset", Long.toString(Instant.now().plus(
                            fault.duration == null ? Duration.ofSeconds(60) : fault.duration).getEpochSecond()));
        }
        return answer;
    }

    private ApiAnswer mint(GatewaySession session, String body, String httpBase, String wsBase, FaultRule fault) {
        if (!session.isRunning()) {
            return ApiAnswer.error(409, "session_not_running", "Session " + session.id + " is " + session.status()
                    .name().toLowerCase());
        }
        JsonNode json = parse(body);
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(json.path("public_key").asText()).resolvePublicKey(null, null, null);
        } catch (Exception e) {
            throw new BadRequest("public_key is not an OpenSSH public key line");
        }
        if (key == null || key instanceof OpenSshCertificate) {
            throw new BadRequest("public_key must be a plain public key, not a certificate");
        }
        Duration ttl = Duration.ofSeconds(json.path("ttl_seconds").asLong(DEFAULT_CERTIFICATE_TTL.toSeconds()));
        if (ttl.isNegative() || ttl.isZero()) {
            throw new BadRequest("ttl_seconds must be positive");
        }
        if (ttl.compareTo(MAX_CERTIFICATE_TTL) > 0) {
            ttl = MAX_CERTIFICATE_TTL;
        }
        OpenSshCertificate certificate = fault == null ? registry.mint(session, key, ttl)
                : faultyCertificate(fault.kind, session, key, ttl);
        session.certificatesMinted.incrementAndGet();
        session.touch();
        Instant validAfter = Instant.ofEpochSecond(certificate.getValidAfter());
        Instant validBefore = Instant.ofEpochSecond(certificate.getValidBefore());
        Instant renewAfter = validAfter.plusSeconds((validBefore.getEpochSecond() - validAfter.getEpochSecond()) * 2 / 3);

        ObjectNode answer = MAPPER.createObjectNode();
        String line = PublicKeyEntry.toString(certificate);
        boolean broken = fault != null && fault.kind == FaultRule.Kind.BROKEN_SIGNATURE_CERTIFICATE;
        boolean mismatched = fault != null && fault.kind == FaultRule.Kind.MISMATCHED_PRINCIPALS_FIELD;
        answer.put("certificate", broken ? withBrokenSignature(line) : line);
        answer.put("username", SessionRegistry.USERNAME);
        answer.putArray("principals").add(mismatched ? "someone-else" : session.id);
        answer.put("serial", certificate.getSerial());
        answer.put("valid_after", validAfter.toString());
        answer.put("valid_before", validBefore.toString());
        answer.put("renew_after", renewAfter.toString());
        if (registry.pinsHostKeys()) {
            answer.putArray("host_public_keys").add(PublicKeyEntry.toString(session.hostKey()));
        } else {
            answer.putArray("host_ca_public_keys").add(registry.hostCa().publicKeyLine());
        }
        if (registry.issuesTunnelCredentials()) {
            answer.put("tunnel_credential", session.issueTunnelCredential());
        }
        ObjectNode permissions = answer.putObject("permissions");
        permissions.put("pty", registry.grantsPty());
        permissions.put("port_forwarding", registry.grantsPortForwarding());
        permissions.put("agent_forwarding", false);
        ObjectNode endpoints = answer.putObject("endpoints");
        ObjectNode connect = endpoints.putObject("connect");
        connect.put("proxy_url", httpBase);
        connect.put("target", session.id + ":22");
        endpoints.putObject("websocket").put("url", wsBase + "/v1/sessions/" + session.id + "/ssh/websocket");
        return ApiAnswer.json(201, answer);
    }

    private OpenSshCertificate faultyCertificate(FaultRule.Kind kind, GatewaySession session, PublicKey key, Duration ttl) {
        Instant now = Instant.now();
        List<String> principals = List.of(session.id);
        switch (kind) {
            case CERTIFICATE_FOR_ANOTHER_KEY:
                return registry.userCa().signUser(Signer.newEd25519KeyPair().getPublic(), "fault:another-key", principals,
                        now.minusSeconds(60), now.plus(ttl));
            case EXPIRED_CERTIFICATE:
                return registry.userCa().signUser(key, "fault:expired", principals, now.minus(Duration.ofHours(2)),
                        now.minus(Duration.ofHours(1)));
            case HOST_CERTIFICATE:
                return registry.hostCa().signHost(key, "fault:host", principals, now.minusSeconds(60), now.plus(ttl));
            case NOT_YET_VALID_CERTIFICATE:
                return registry.userCa().signUser(key, "fault:not-yet-valid", principals, now.plus(Duration.ofHours(1)),
                        now.plus(Duration.ofHours(1)).plus(ttl));
            case LONG_LIVED_CERTIFICATE:
                return registry.userCa().signUser(key, "fault:forever", principals, now.minusSeconds(60),
                        now.plus(Duration.ofDays(3650)));
            case FOREIGN_PRINCIPALS_CERTIFICATE:
                return registry.userCa().signUser(key, "fault:principals", List.of("root"), now.minusSeconds(60),
                        now.plus(ttl));
            case UNKNOWN_CRITICAL_OPTION_CERTIFICATE:
                return registry.userCa().signUserWithCriticalOption(key, "fault:option", principals, now.minusSeconds(60),
                        now.plus(ttl), "unknown-option@example.test", "1");
            case SHA1_SIGNED_CERTIFICATE:
                return Signer.rsaWithSha1().signUser(key, "fault:sha1", principals, now.minusSeconds(60), now.plus(ttl));
            case SMALL_RSA_CA_CERTIFICATE:
                return Signer.smallRsa().signUser(key, "fault:rsa1024", principals, now.minusSeconds(60), now.plus(ttl));
            default:
                return registry.mint(session, key, ttl);
        }
    }

    /** The certificate line with the last byte of its blob, inside the CA's signature, changed. */
    private static String withBrokenSignature(String line) {
        String[] fields = line.split(" ");
        byte[] blob = java.util.Base64.getDecoder().decode(fields[1]);
        blob[blob.length - 1] ^= 0x01;
        fields[1] = java.util.Base64.getEncoder().encodeToString(blob);
        return String.join(" ", fields);
    }

    private static ObjectNode sessionJson(GatewaySession session) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("session_id", session.id);
        json.put("status", session.status().name().toLowerCase());
        json.put("image", session.image);
        json.put("created_at", session.createdAt.toString());
        json.put("expires_at", session.expiresAt.toString());
        json.put("last_activity_at", session.lastActivityAt.toString());
        ObjectNode metadata = json.putObject("metadata");
        session.metadata.forEach(metadata::put);
        return json;
    }

    private static ApiAnswer methodNotAllowed(String method, String path) {
        return ApiAnswer.error(405, "method_not_allowed", method + " is not supported on " + path);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            JsonNode json = MAPPER.readTree(body);
            if (!json.isObject()) {
                throw new BadRequest("The request body must be a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new BadRequest("The request body is not valid JSON");
        }
    }

    private static int intParameter(Map<String, List<String>> query, String name, int fallback) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(values.get(0));
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be a whole number, got '" + values.get(0) + "'");
        }
    }

    /** A request the API refuses with 400. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
