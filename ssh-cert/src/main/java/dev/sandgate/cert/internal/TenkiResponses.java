package dev.sandgate.cert.internal;

import java.net.URI;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.Permissions;
import dev.sandgate.cert.SshCertificate;
import dev.sandgate.cert.SshKeys;

/**
 * Turns Tenki's Connect JSON answers into value types, held to the checks of {@link ApiResponses} where they apply,
 * naming the field when something is missing or malformed. Not API.
 */
public final class TenkiResponses {
    private TenkiResponses() {
    }

    /** The login name of every Tenki session's SSH server. */
    public static final String TENKI_USER = "tenki";

    /**
     * A Connect JSON answer of Tenki's {@code IssueSandboxSSHCert} (lowerCamelCase, zero values absent), held to the
     * checks of {@link ApiResponses#issuedCertificate} where they apply: one OpenSSH user certificate line, validly signed, for
     * this key pair, valid now and not far longer than asked, with no critical option Sandgate does not understand,
     * naming the principal {@code session:<id>}; {@code caPub}, when given, the certificate's CA; {@code certSerial},
     * when given, the certificate's serial in hex; {@code expiresAt} no later than the certificate's end;
     * {@code renewalAfter} a non-negative proto Duration ({@code "400s"}) counted from {@code now}, capped at the
     * certificate's end (two thirds into the certificate when absent). Tenki names no host keys: the caller's
     * host trust must vouch for the host.
     *
     * @param endpoints where the session's gateway is (Tenki's answer does not say)
     * @throws IllegalArgumentException naming the field, when the answer is not one to log in with
     */
    public static IssuedCertificate tenkiCertificate(JsonNode json, KeyPair keyPair, String sessionId, Duration ttl,
            Instant now, Endpoints endpoints) {
        SshCertificate certificate = ApiResponses.certificate(ApiResponses.text(json, "sshCert"));
        String id = Checks.escaped(certificate.keyId());
        ApiResponses.checkValidity(certificate, ttl, now);
        String principal = "session:" + sessionId;
        for (String named : certificate.principals()) {
            Checks.principal(named, "certificate principals");
        }
        if (!certificate.principals().contains(principal)) {
            throw new IllegalArgumentException("certificate " + id + " has principals " + certificate.principals()
                    + ", not the session's " + principal);
        }
        ApiResponses.checkSignatureAndOptions(certificate, id);
        if (json.hasNonNull("caPub")) {
            PublicKey ca;
            try {
                ca = SshKeys.parsePublicKey(ApiResponses.text(json, "caPub"));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("field 'caPub' is not an OpenSSH public key: '"
                        + Checks.escaped(json.get("caPub").asText()) + "'");
            }
            if (!SshKeys.fingerprint(ca).equals(SshKeys.fingerprint(certificate.caPublicKey()))) {
                throw new IllegalArgumentException("field 'caPub' names " + SshKeys.fingerprint(ca) + " but certificate "
                        + id + " is signed by " + SshKeys.fingerprint(certificate.caPublicKey()));
            }
        }
        if (json.hasNonNull("certSerial")) {
            String serial = ApiResponses.text(json, "certSerial");
            if (!serial.matches("[0-9a-fA-F]{1,16}")) {
                throw new IllegalArgumentException("field 'certSerial' is not a hex-encoded uint64: '"
                        + Checks.escaped(serial) + "'");
            }
            if (Long.parseUnsignedLong(serial, 16) != certificate.serial()) {
                throw new IllegalArgumentException("field 'certSerial' says " + serial + " but certificate " + id
                        + " carries serial " + Long.toHexString(certificate.serial()));
            }
        }
        if (json.hasNonNull("expiresAt")) {
            Instant expiresAt = ApiResponses.instant(json, "expiresAt");
            if (expiresAt.isAfter(certificate.validBefore())) {
                throw new IllegalArgumentException("field 'expiresAt' says " + expiresAt + ", after certificate " + id
                        + " ends (" + certificate.validBefore() + ")");
            }
        }
        Instant renewAfter = ApiResponses.twoThirdsInto(certificate);
        if (json.hasNonNull("renewalAfter")) {
            Instant after = now.plus(protoDuration(json, "renewalAfter"));
            renewAfter = after.isAfter(certificate.validBefore()) ? certificate.validBefore() : after;
        }
        JsonNode permissions = json.path("permissions");
        // an OpenSSH certificate has one extension for forwarding either way (permit-port-forwarding)
        boolean forwarding = flag(permissions, "allowPortForwardingLocal", "allow_port_forwarding_local")
                || flag(permissions, "allowPortForwardingRemote", "allow_port_forwarding_remote");
        return new IssuedCertificate(new Credentials(TENKI_USER, keyPair, certificate), renewAfter, List.of(),
                new Permissions(flag(permissions, "allowPty", "allow_pty"), forwarding,
                        flag(permissions, "allowAgentForwarding", "allow_agent_forwarding")),
                endpoints, Optional.empty(), List.of());
    }

    /**
     * A Connect JSON answer of Tenki's {@code ListActiveSSHGateways}: the {@code wsBridgeEndpoint} of each gateway
     * that says {@code healthy: true} and names one, in the answer's order; an entry that is not usable (no host, a
     * scheme other than http, https, ws, wss or none) is skipped, as an unhealthy one is.
     */
    public static List<URI> tenkiGateways(JsonNode json) {
        List<URI> usable = new ArrayList<>();
        for (JsonNode gateway : json.path("gateways")) {
            JsonNode endpoint = gateway.has("wsBridgeEndpoint") ? gateway.get("wsBridgeEndpoint")
                    : gateway.path("ws_bridge_endpoint");
            if (!gateway.path("healthy").asBoolean(false) || !endpoint.isTextual() || endpoint.asText().isBlank()) {
                continue;
            }
            String text = endpoint.asText().trim();
            try {
                URI url = new URI(text.contains("://") ? text : "wss://" + text);
                String scheme = url.getScheme().toLowerCase(Locale.ROOT);
                if (url.getHost() != null && List.of("http", "https", "ws", "wss").contains(scheme)) {
                    Checks.host(url.getHost(), "wsBridgeEndpoint");
                    usable.add(url);
                }
            } catch (java.net.URISyntaxException | IllegalArgumentException unusable) {
                // skipped, as an unhealthy gateway is: discovery falls back to the derived URL
            }
        }
        return usable;
    }

    private static boolean flag(JsonNode json, String name, String snakeName) {
        JsonNode value = json.has(name) ? json.get(name) : json.path(snakeName);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("field 'permissions." + name + "' is not a boolean: "
                    + Checks.escaped(value.toString()));
        }
        return value.asBoolean();
    }

    /** A proto3 JSON Duration that is not negative: seconds with up to nine decimals, then {@code s}. */
    public static Duration protoDuration(JsonNode json, String field) {
        String text = ApiResponses.text(json, field);
        if (!text.matches("[0-9]{1,12}(\\.[0-9]{1,9})?s")) {
            throw new IllegalArgumentException("field '" + field + "' is not a non-negative proto Duration such as"
                    + " \"400s\": '" + Checks.escaped(text) + "'");
        }
        java.math.BigDecimal seconds = new java.math.BigDecimal(text.substring(0, text.length() - 1));
        return Duration.ofSeconds(seconds.longValue(),
                seconds.remainder(java.math.BigDecimal.ONE).movePointRight(9).intValue());
    }
}
