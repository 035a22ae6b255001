package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandgate.cert.internal.ApiResponses;

/**
 * Coverage-guided fuzzing of what a gateway or server sends that ssh-cert parses: certificate and public key lines,
 * certificate blobs, mint answers, private key files. Each may only throw its documented exception. Without
 * {@code JAZZER_FUZZ=1} these run once over their seeds and every crash kept in
 * {@code src/test/resources/dev/sandgate/cert/ParsersFuzzTestInputs/}; {@code fuzz/run} fuzzes each for a while.
 */
class ParsersFuzzTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] CERTIFICATE_TYPES = {"ssh-ed25519-cert-v01@openssh.com",
            "ecdsa-sha2-nistp256-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com",
            "ssh-rsa-cert-v01@openssh.com", "ssh-ed25519", "ecdsa-sha2-nistp384"};

    @FuzzTest(maxDuration = "30s")
    void certificateLines(FuzzedDataProvider data) {
        String line = data.consumeRemainingAsString();
        try {
            SshCertificate certificate = SshCertificate.parse(line);
            assertNotNull(certificate.toString());
            certificate.principals();
            certificate.validBefore();
        } catch (IllegalArgumentException documented) {
            // not a certificate: the documented answer
        }
    }

    /** Arbitrary bytes as the Base64 blob of a key line, to reach the binary parser behind the type name. */
    @FuzzTest(maxDuration = "30s")
    void certificateBlobs(FuzzedDataProvider data) {
        String type = data.pickValue(CERTIFICATE_TYPES);
        byte[] blob = data.consumeRemainingAsBytes();
        String line = type + " " + Base64.getEncoder().encodeToString(blob);
        try {
            SshKeys.parsePublicKey(line);
            SshCertificate.parse(line).toString();
        } catch (IllegalArgumentException documented) {
            // not a key or not a certificate
        }
    }

    /** A mint answer, as JSON; the key pair is a fixture's, so that a fitting certificate can get far. */
    @FuzzTest(maxDuration = "30s")
    void mintAnswers(FuzzedDataProvider data) throws IOException {
        JsonNode json;
        try {
            json = MAPPER.readTree(data.consumeRemainingAsString());
        } catch (JsonProcessingException notJson) {
            return;
        }
        if (json == null) {
            return;
        }
        try {
            ApiResponses.issuedCertificate(json, fixtureKey(), "sess-1", java.time.Duration.ofDays(4000),
                    Instant.parse("2026-01-01T00:00:00Z")).toString();
        } catch (IllegalArgumentException documented) {
            // SandboxApi turns this into InvalidResponseException
        }
    }

    @FuzzTest(maxDuration = "30s")
    void privateKeyFiles(FuzzedDataProvider data) throws IOException {
        Path file = Files.createTempFile("fuzz-key", "");
        try {
            Files.write(file, data.consumeRemainingAsBytes());
            SshKeyFiles.readKeyPair(file);
        } catch (IOException documented) {
            // not a readable key
        } finally {
            Files.delete(file);
        }
    }

    private static KeyPair fixtureKey;

    private static synchronized KeyPair fixtureKey() throws IOException {
        if (fixtureKey == null) {
            fixtureKey = SshKeyFiles.readKeyPair(Path.of("src/test/resources/fixtures/user_ed25519"), true);
        }
        return fixtureKey;
    }
}
