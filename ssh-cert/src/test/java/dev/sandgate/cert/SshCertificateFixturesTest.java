package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificates made by the real {@code ssh-keygen -s} (see fixtures/make-fixtures.sh) parse, verify, and show the same
 * fields that {@code ssh-keygen -L} printed for them.
 */
class SshCertificateFixturesTest {
    static Path fixtures() {
        try {
            return Path.of(SshCertificateFixturesTest.class.getResource("/fixtures/make-fixtures.sh").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> certificates() throws IOException {
        try (Stream<Path> files = Files.list(fixtures())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-cert.pub")).sorted().toList()
                    .stream();
        }
    }

    /** What {@code ssh-keygen -L} said, as sections: "Type" -> [value], "Principals" -> [one per line], ... */
    private static Map<String, List<String>> listing(String certificateFile) {
        String listingFile = certificateFile.replace(".pub", ".L.txt");
        Map<String, List<String>> sections = new LinkedHashMap<>();
        String section = null;
        try {
            for (String line : Files.readAllLines(fixtures().resolve(listingFile))) {
                if (line.startsWith("        ") && !line.startsWith("                ")) {
                    String trimmed = line.trim();
                    int colon = trimmed.indexOf(':');
                    section = trimmed.substring(0, colon);
                    String value = trimmed.substring(colon + 1).trim();
                    List<String> values = new ArrayList<>();
                    if (!value.isEmpty() && !value.equals("(none)")) {
                        values.add(value);
                    }
                    sections.put(section, values);
                } else if (line.startsWith("                ") && section != null) {
                    sections.get(section).add(line.trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sections;
    }

    private static SshCertificate load(String file) throws IOException {
        return SshCertificate.parse(Files.readString(fixtures().resolve(file)));
    }

    @ParameterizedTest
    @MethodSource("certificates")
    void fieldsMatchSshKeygenListing(String file) throws IOException {
        SshCertificate certificate = load(file);
        Map<String, List<String>> listed = listing(file);

        String[] type = listed.get("Type").get(0).split(" ", 2);
        assertEquals(type[0], certificate.keyType());
        assertEquals(type[1].startsWith("host") ? SshCertificate.Type.HOST : SshCertificate.Type.USER, certificate.type());

        String[] publicKey = listed.get("Public key").get(0).split(" ");
        assertEquals(publicKey[1], SshKeys.fingerprint(certificate.publicKey()));

        String signingCa = listed.get("Signing CA").get(0);
        assertTrue(signingCa.contains(SshKeys.fingerprint(certificate.caPublicKey())), signingCa);
        assertTrue(signingCa.endsWith("(using " + certificate.signatureAlgorithm() + ")"), signingCa);

        assertEquals("\"" + certificate.keyId() + "\"", listed.get("Key ID").get(0));
        assertEquals(Long.parseLong(listed.get("Serial").get(0)), certificate.serial());
        assertEquals(listed.get("Principals"), certificate.principals());

        String valid = listed.get("Valid").get(0);
        if (valid.equals("forever")) {
            assertEquals(Instant.EPOCH, certificate.validAfter());
            assertEquals(Instant.MAX, certificate.validBefore());
        } else {
            String[] range = valid.split(" ");
            assertEquals(LocalDateTime.parse(range[1]).toInstant(ZoneOffset.UTC), certificate.validAfter());
            assertEquals(LocalDateTime.parse(range[3]).toInstant(ZoneOffset.UTC), certificate.validBefore());
        }

        Map<String, String> options = new LinkedHashMap<>();
        for (String option : listed.getOrDefault("Critical Options", List.of())) {
            String[] parts = option.split(" ", 2);
            options.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        assertEquals(options, certificate.criticalOptions());
        assertEquals(List.copyOf(listed.getOrDefault("Extensions", List.of())).stream().sorted().toList(),
                certificate.extensions().keySet().stream().sorted().toList());

        assertTrue(certificate.hasValidSignature(), "the CA's signature verifies");
    }

    @ParameterizedTest
    @MethodSource("certificates")
    void theCaKeyIsTheOneThatSigned(String file) throws IOException {
        SshCertificate certificate = load(file);
        String caFile = certificate.keyId().equals("ecdsa256-by-rsa") ? "ca_rsa.pub"
                : certificate.keyId().equals("ecdsa384-by-ecdsa") ? "ca_ecdsa384.pub" : "ca_ed25519.pub";
        assertEquals(SshKeys.parsePublicKey(Files.readString(fixtures().resolve(caFile))), certificate.caPublicKey());
        String keyFile = file.replace("-cert.pub", ".pub");
        assertEquals(SshKeys.parsePublicKey(Files.readString(fixtures().resolve(keyFile))), certificate.publicKey());
    }

    @Test
    void everyKeyTypeIsCovered() throws IOException {
        List<String> types = certificates().map(f -> {
            try {
                return load(f).keyType().toLowerCase(Locale.ROOT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).distinct().sorted().toList();
        assertEquals(List.of("ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
                "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com",
                "ssh-rsa-cert-v01@openssh.com"), types);
    }

    @Test
    void validityAndPrincipalChecks() throws IOException {
        SshCertificate alice = load("user_ed25519-cert.pub");
        assertTrue(alice.isValidAt(Instant.parse("2030-06-01T00:00:00Z"), java.time.Duration.ZERO));
        assertTrue(!alice.isValidAt(Instant.parse("2036-01-01T00:00:00Z"), java.time.Duration.ZERO));
        assertTrue(alice.allowsPrincipal("ops"));
        assertTrue(!alice.allowsPrincipal("mallory"));
        SshCertificate anyone = load("user_rsa-cert.pub");
        assertTrue(anyone.allowsPrincipal("whoever"), "an empty principal list allows any principal");
        SshCertificate expired = load("user_ecdsa256-cert.pub");
        assertTrue(!expired.isValidAt(Instant.parse("2026-01-01T00:00:00Z"), java.time.Duration.ofMinutes(5)));
    }
}
