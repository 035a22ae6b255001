package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SshKeyFilesTest {
    private static final CertificateAuthority CA = CertificateAuthority.generate();

    private static Credentials credentials(SshKeyType type, long lifetimeSeconds) {
        KeyPair keys = SshKeys.generate(type);
        Instant now = Instant.now();
        return new Credentials("sandbox", keys, CA.signUser(keys.getPublic(), "test", List.of("sandbox"), now.minusSeconds(5),
                now.plusSeconds(lifetimeSeconds)));
    }

    @Nested
    class Writing {
        @ParameterizedTest
        @EnumSource(SshKeyType.class)
        void writesAPrivateKeyOnlyTheOwnerCanReadAndReadsItBack(SshKeyType type, @TempDir Path directory) throws IOException {
            Credentials written = credentials(type, 600);
            Path key = directory.resolve("id_test");
            SshKeyFiles.write(written, key);

            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            assertTrue(Files.readString(key).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
            assertEquals(written.certificate().toOpenSshLine(),
                    Files.readString(directory.resolve("id_test-cert.pub")).trim());
            assertTrue(Files.readString(directory.resolve("id_test.pub"))
                    .startsWith(SshKeys.publicKeyLine(written.keyPair().getPublic())));

            Credentials read = SshKeyFiles.read(key, "sandbox");
            assertEquals(written.keyPair().getPublic(), read.keyPair().getPublic());
            assertEquals(written.certificate(), read.certificate());
        }

        @Test
        void opensshReadsTheKeyWeWrote(@TempDir Path directory) throws Exception {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "needs OpenSSH's ssh-keygen");
            Credentials written = credentials(SshKeyType.ED25519, 600);
            Path key = directory.resolve("id_ed25519");
            SshKeyFiles.write(written, key);
            Process keygen = new ProcessBuilder("/usr/bin/ssh-keygen", "-y", "-f", key.toString())
                    .redirectErrorStream(true).start();
            String derived = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(keygen.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, keygen.exitValue(), derived);
            assertTrue(derived.startsWith(SshKeys.publicKeyLine(written.keyPair().getPublic())), derived);
        }

        @Test
        void readsKeysThatSshKeygenMade(@TempDir Path directory) throws IOException {
            // a checkout leaves the fixture readable by all, which read() refuses: take an owner-only copy
            Path fixture = SshCertificateFixturesTest.fixtures().resolve("user_ed25519");
            Path key = directory.resolve("user_ed25519");
            Files.copy(fixture, key);
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.copy(SshKeyFiles.certificatePath(fixture), SshKeyFiles.certificatePath(key));
            Credentials credentials = SshKeyFiles.read(key, "alice");
            assertEquals("alice@example", credentials.certificate().keyId());
        }

        @Test
        void aCertificateOfAnotherKeyIsNamed(@TempDir Path directory) throws IOException {
            Path key = directory.resolve("id");
            SshKeyFiles.write(credentials(SshKeyType.ED25519, 600), key);
            Files.writeString(SshKeyFiles.certificatePath(key), credentials(SshKeyType.ED25519, 600).certificate()
                    .toOpenSshLine());
            IOException mismatch = assertThrows(IOException.class, () -> SshKeyFiles.read(key, "sandbox"));
            assertTrue(mismatch.getMessage().contains("does not go with"), mismatch.getMessage());
        }
    }

    @Nested
    class Protection {
        @Test
        void directoriesItCreatesAreTheOwnersAlone(@TempDir Path directory) throws IOException {
            Path key = directory.resolve("a").resolve("b").resolve("id");
            SshKeyFiles.write(credentials(SshKeyType.ED25519, 600), key);
            for (Path made : java.util.List.of(directory.resolve("a"), directory.resolve("a").resolve("b"))) {
                assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(made)), made.toString());
            }
        }

        @Test
        void anExistingKeyIsKeptWhenAskedNotToReplace(@TempDir Path directory) throws IOException {
            Path key = directory.resolve("id");
            SshKeyFiles.write(credentials(SshKeyType.ED25519, 600), key);
            byte[] first = Files.readAllBytes(key);
            assertThrows(java.nio.file.FileAlreadyExistsException.class,
                    () -> SshKeyFiles.write(credentials(SshKeyType.ED25519, 600), key, false));
            assertArrayEquals(first, Files.readAllBytes(key));
        }

        @Test
        void aKeyOthersMayReadIsRefusedUnlessAllowed(@TempDir Path directory) throws IOException {
            Path key = directory.resolve("id");
            SshKeyFiles.write(credentials(SshKeyType.ED25519, 600), key);
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            IOException refused = assertThrows(IOException.class, () -> SshKeyFiles.readKeyPair(key));
            assertTrue(refused.getMessage().contains("chmod 600"), refused.getMessage());
            assertNotNull(SshKeyFiles.readKeyPair(key, true));
        }
    }

    @Nested
    class Reloading {
        @Test
        void fileCredentialsPickUpAReplacedCertificate(@TempDir Path directory) throws IOException {
            Path key = directory.resolve("id");
            Credentials first = credentials(SshKeyType.ED25519, 600);
            SshKeyFiles.write(first, key);
            FileCredentials source = FileCredentials.of(key, "sandbox");
            assertEquals(first.certificate(), source.current().certificate());
            assertTrue(source.current() == source.current(), "unchanged files are not read again");

            KeyPair same = first.keyPair();
            Instant now = Instant.now();
            SshCertificate renewed = CA.signUser(same.getPublic(), "renewed", List.of("sandbox"), now, now.plus(Duration.ofHours(1)));
            Files.writeString(SshKeyFiles.certificatePath(key), renewed.toOpenSshLine() + "\n");
            Files.setLastModifiedTime(SshKeyFiles.certificatePath(key), FileTime.from(now.plusSeconds(5)));

            Credentials reloaded = source.current();
            assertEquals(renewed, reloaded.certificate());
            assertNotEquals(first.certificate(), reloaded.certificate());
        }

        @Test
        void missingFilesAreNamed(@TempDir Path directory) {
            Path key = directory.resolve("absent");
            IOException missing = assertThrows(IOException.class, () -> FileCredentials.of(key, "u").current());
            assertTrue(missing.getMessage().contains("absent"), missing.getMessage());
        }
    }
}
