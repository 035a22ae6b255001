package dev.sandgate.testkit.internal;

import java.math.BigDecimal;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Tenki's {@code tenki.sandbox.v1.SSHGatewayClientService} as Connect-protocol unary calls with JSON bodies:
 * {@code IssueSandboxSSHCert} and {@code ListActiveSSHGateways}. Requests are read as proto3 JSON (lowerCamelCase or
 * the proto's snake_case names, unknown fields ignored); answers are written as proto3 JSON writes them (lowerCamelCase,
 * zero values left out). Errors are Connect's: a JSON {@code {"code","message"}} with the HTTP status the Connect
 * specification gives the code.
 */
final class TenkiConnectApi {
    static final String SERVICE = "/tenki.sandbox.v1.SSHGatewayClientService/";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern DURATION = Pattern.compile("-?\\d{1,12}(\\.\\d{1,9})?s");
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    /** An answer: HTTP status, content type and body, and extra headers. */
    record Answer(int status, String contentType, String body, Map<String, String> headers) {
        static Answer json(ObjectNode body) {
            return new Answer(200, "application/json", body.toString(), Map.of());
        }

        /** A Connect error with the status the specification maps its code to. */
        static Answer error(String code, String message) {
            ObjectNode body = MAPPER.createObjectNode();
            body.put("code", code);
            body.put("message", message);
            return new Answer(httpStatus(code), "application/json", body.toString(), Map.of());
        }

        Answer withHeader(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Answer(status, contentType, body, Map.copyOf(all));
        }
    }

    /** The Connect protocol's HTTP status for an error code. */
    static int httpStatus(String code) {
        switch (code) {
            case "canceled": return 499;
            case "invalid_argument":
            case "failed_precondition":
            case "out_of_range": return 400;
            case "deadline_exceeded": return 504;
            case "not_found": return 404;
            case "already_exists":
            case "aborted": return 409;
            case "permission_denied": return 403;
            case "resource_exhausted": return 429;
            case "unimplemented": return 501;
            case "unavailable": return 503;
            case "unauthenticated": return 401;
            default: return 500;
        }
    }

    /** A request the call refuses, with its Connect code. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String code;

        Refused(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private final TenkiService service;

    TenkiConnectApi(TenkiService service) {
        this.service = service;
    }

    /** Answers a request whose path starts with the service's. */
    Answer handle(String method, String path, HttpHeaders headers, String body) {
        String procedure = path.substring(SERVICE.length());
        if (!procedure.equals("IssueSandboxSSHCert") && !procedure.equals("ListActiveSSHGateways")) {
            // connect-go's mux has no route for it: a plain 404
            return new Answer(404, "text/plain; charset=utf-8", "404 page not found\n", Map.of());
        }
        if (!"POST".equals(method)) {
            return new Answer(405, "text/plain; charset=utf-8", "405 method not allowed\n", Map.of("Allow", "POST"));
        }
        String contentType = headers.get("Content-Type", "").toLowerCase(java.util.Locale.ROOT);
        String mediaType = contentType.split(";")[0].trim();
        if (!mediaType.equals("application/json")) {
            // the fake speaks Connect's JSON only (Tenki also takes binary protobuf and gRPC)
            return new Answer(415, "", "", Map.of("Accept-Post", "application/json"));
        }
        String version = headers.get("Connect-Protocol-Version");
        if (version != null && !version.equals("1")) {
            return Answer.error("invalid_argument", "Connect-Protocol-Version must be \"1\", got \"" + version + "\"");
        }
        TenkiAccounts.Login login = service.accounts().authenticate(headers);
        if (login == null) {
            return Answer.error("unauthenticated", TenkiAccounts.hasCredential(headers)
                    ? "the credential is not valid" : "no credential: send a tk_ key as Bearer, an ory_st_ token as"
                    + " X-Session-Token, or the tenki_session cookie");
        }
        try {
            JsonNode request = parse(body);
            return procedure.equals("IssueSandboxSSHCert") ? issue(login, request) : listGateways(request);
        } catch (Refused refused) {
            return Answer.error(refused.code, refused.getMessage());
        } catch (RuntimeException e) {
            return Answer.error("internal", "the fake failed: " + e);
        }
    }

    private Answer issue(TenkiAccounts.Login login, JsonNode request) {
        String injected = service.takeMintFailure();
        if (injected != null) {
            return Answer.error(injected, "the mint failed (injected)");
        }
        String sessionId = string(request, "sessionId", "session_id");
        String publicKeyLine = string(request, "publicKey", "public_key");
        if (sessionId.isBlank()) {
            throw new Refused("invalid_argument", "session_id is required");
        }
        if (publicKeyLine.isBlank()) {
            throw new Refused("invalid_argument", "public_key is required");
        }
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(publicKeyLine.trim()).resolvePublicKey(null, null, null);
        } catch (Exception e) {
            key = null;
        }
        if (key == null || key instanceof OpenSshCertificate) {
            throw new Refused("invalid_argument", "public_key must be an OpenSSH public key line");
        }
        Duration requested = duration(request, "requestedTtl", "requested_ttl");
        List<String> sourceAddresses = strings(request, "sourceAddresses", "source_addresses");

        GatewaySession session = service.session(sessionId.trim());
        if (session == null) {
            throw new Refused("not_found", "session " + sessionId.trim() + " not found");
        }
        if (!TenkiService.owner(session).equals(login.account())) {
            throw new Refused("permission_denied", "session " + session.id() + " belongs to another account");
        }
        if (session.status() != GatewaySession.Status.RUNNING) {
            throw new Refused("failed_precondition", "session " + session.id() + " is "
                    + session.status().name().toLowerCase(java.util.Locale.ROOT) + ", not running");
        }

        TenkiService.Policy policy = service.policy();
        // unset, zero or above the policy's maximum: the maximum
        Duration ttl = requested == null || requested.isZero() || requested.compareTo(policy.lifetime()) > 0
                ? policy.lifetime() : requested;
        // a certificate's validity is in whole seconds: a fraction is rounded up, so expiresAt is exactly valid_before
        if (ttl.getNano() != 0) {
            ttl = Duration.ofSeconds(ttl.getSeconds() + 1);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(ttl);
        List<String> extensions = new ArrayList<>();
        if (policy.x11Forwarding()) {
            extensions.add("permit-X11-forwarding");
        }
        if (policy.agentForwarding()) {
            extensions.add("permit-agent-forwarding");
        }
        if (policy.portForwardingLocal() || policy.portForwardingRemote()) {
            // OpenSSH certificates have one extension for both directions
            extensions.add("permit-port-forwarding");
        }
        if (policy.pty()) {
            extensions.add("permit-pty");
        }
        Map<String, String> options = sourceAddresses.isEmpty() ? Map.of()
                : Map.of("source-address", String.join(",", sourceAddresses));
        OpenSshCertificate certificate = service.userCa().signUser(key, "tenki-fake:" + login.account() + ":session:"
                + session.id(), List.of("session:" + session.id()), now.minus(CLOCK_SKEW), expiresAt, extensions, options);
        session.certificatesMinted.incrementAndGet();
        session.touch();

        ObjectNode answer = MAPPER.createObjectNode();
        answer.put("sshCert", PublicKeyEntry.toString(certificate));
        answer.put("caPub", service.userCaPublicKeyLine());
        answer.put("expiresAt", expiresAt.toString());
        answer.put("certSerial", Long.toHexString(certificate.getSerial()));
        Duration renewalAfter = policy.renewalAfter().compareTo(ttl) < 0 ? policy.renewalAfter()
                : ttl.multipliedBy(2).dividedBy(3);
        answer.put("renewalAfter", durationJson(renewalAfter));
        ObjectNode permissions = answer.putObject("permissions");
        putIfTrue(permissions, "allowPty", policy.pty());
        putIfTrue(permissions, "allowAgentForwarding", policy.agentForwarding());
        putIfTrue(permissions, "allowPortForwardingLocal", policy.portForwardingLocal());
        putIfTrue(permissions, "allowPortForwardingRemote", policy.portForwardingRemote());
        putIfTrue(permissions, "allowX11Forwarding", policy.x11Forwarding());
        return Answer.json(answer);
    }

    private Answer listGateways(JsonNode request) {
        String[] failure = service.discoveryFailure();
        if (failure != null) {
            return Answer.error(failure[0], failure[1] == null ? "discovery failed" : failure[1]);
        }
        String region = string(request, "region", "region").trim();
        ObjectNode answer = MAPPER.createObjectNode();
        List<TenkiService.GatewayEntry> listed = new ArrayList<>();
        for (TenkiService.GatewayEntry gateway : service.gateways()) {
            if (region.isEmpty() || region.equals(gateway.region())) {
                listed.add(gateway);
            }
        }
        if (!listed.isEmpty()) {
            var array = answer.putArray("gateways");
            for (TenkiService.GatewayEntry gateway : listed) {
                ObjectNode entry = array.addObject();
                putIfSet(entry, "gatewayId", gateway.gatewayId());
                putIfSet(entry, "region", gateway.region());
                putIfSet(entry, "publicEndpoint", gateway.publicEndpoint());
                putIfSet(entry, "meshEndpoint", gateway.meshEndpoint());
                if (gateway.lastHeartbeatAt() != null) {
                    entry.put("lastHeartbeatAt", gateway.lastHeartbeatAt().toString());
                }
                putIfTrue(entry, "healthy", gateway.healthy());
                putIfSet(entry, "wsBridgeEndpoint", gateway.wsBridgeEndpoint());
            }
        }
        return Answer.json(answer);
    }

    /** Proto3 JSON's Duration: seconds with up to nine decimals and an {@code s}, e.g. {@code "400s"}, {@code "1.5s"}. */
    static String durationJson(Duration duration) {
        if (duration.getNano() == 0) {
            return duration.getSeconds() + "s";
        }
        return BigDecimal.valueOf(duration.getSeconds()).add(BigDecimal.valueOf(duration.getNano(), 9))
                .stripTrailingZeros().toPlainString() + "s";
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new Refused("invalid_argument", "unmarshal into message: the body is empty, not a JSON object");
        }
        try {
            JsonNode json = MAPPER.readTree(body);
            if (json == null || !json.isObject()) {
                throw new Refused("invalid_argument", "unmarshal into message: the body is not a JSON object");
            }
            return json;
        } catch (java.io.IOException e) {
            throw new Refused("invalid_argument", "unmarshal into message: the body is not valid JSON");
        }
    }

    /** A string field by its JSON or its proto name; "" when absent or null, as proto3 reads it. */
    private static JsonNode field(JsonNode request, String jsonName, String protoName) {
        JsonNode value = request.get(jsonName);
        return value == null || value.isNull() ? request.get(protoName) : value;
    }

    private static String string(JsonNode request, String jsonName, String protoName) {
        JsonNode value = field(request, jsonName, protoName);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new Refused("invalid_argument", "unmarshal into message: " + jsonName + " must be a string");
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode request, String jsonName, String protoName) {
        JsonNode value = field(request, jsonName, protoName);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new Refused("invalid_argument", "unmarshal into message: " + jsonName + " must be a list of strings");
        }
        List<String> all = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || !item.asText().matches("[0-9a-fA-F.:]+(/\\d{1,3})?")) {
                throw new Refused("invalid_argument", jsonName + " must hold CIDRs such as 203.0.113.0/24");
            }
            all.add(item.asText());
        }
        return all;
    }

    private static Duration duration(JsonNode request, String jsonName, String protoName) {
        JsonNode value = field(request, jsonName, protoName);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || !DURATION.matcher(value.asText()).matches()) {
            throw new Refused("invalid_argument", "unmarshal into message: " + jsonName
                    + " must be a proto Duration such as \"600s\"");
        }
        BigDecimal seconds = new BigDecimal(value.asText().substring(0, value.asText().length() - 1));
        if (seconds.signum() < 0) {
            throw new Refused("invalid_argument", jsonName + " must not be negative");
        }
        return Duration.ofSeconds(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    }

    private static void putIfTrue(ObjectNode node, String name, boolean value) {
        if (value) {
            node.put(name, true);
        }
    }

    private static void putIfSet(ObjectNode node, String name, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(name, value);
        }
    }
}
