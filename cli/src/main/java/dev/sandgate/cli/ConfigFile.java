package dev.sandgate.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings file: {@code key=value} lines ({@code api-url}, {@code token}, {@code transport},
 * {@code ca-certificate}, {@code provider}). A file that holds a token must be private to its owner, as OpenSSH
 * insists for keys. {@code api-url} and {@code token} are Sandgate's: with the Tenki provider they are not used (its
 * settings come from its own variables), so a Sandgate token never goes to Tenki.
 */
final class ConfigFile {
    static final Set<String> KEYS = Set.of("api-url", "token", "transport", "ca-certificate", "provider");

    private final Path path;
    private final Map<String, String> values;

    private ConfigFile(Path path, Map<String, String> values) {
        this.path = path;
        this.values = values;
    }

    /** Reads the file; a missing file has no settings, but a file named explicitly must exist. */
    static ConfigFile read(Path path, boolean mustExist) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        } catch (NoSuchFileException missing) {
            if (mustExist) {
                throw new SettingsException("The config file " + path + " does not exist");
            }
            return new ConfigFile(path, Map.of());
        } catch (IOException | IllegalArgumentException e) {
            throw new SettingsException("Cannot read the config file " + path + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new SettingsException("Unknown setting '" + key + "' in " + path + "; known: "
                        + new java.util.TreeSet<>(KEYS));
            }
            String value = properties.getProperty(key).trim();
            if (!value.isEmpty()) {
                values.put(key, value);
            }
        }
        if (values.containsKey("token")) {
            requirePrivate(path, "The config file " + path + " holds a token");
        }
        return new ConfigFile(path, values);
    }

    /** Refuses a file that holds a secret when its group or others may read or write it. */
    static void requirePrivate(Path path, String what) {
        try {
            Set<PosixFilePermission> open = EnumSet.copyOf(Files.getPosixFilePermissions(path));
            open.retainAll(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE));
            if (!open.isEmpty()) {
                throw new SettingsException(what + " but others may read it; run: chmod 600 " + path);
            }
        } catch (UnsupportedOperationException noPosix) {
            // a file system without POSIX permissions: nothing to check
        } catch (IOException e) {
            throw new SettingsException("Cannot read " + path + ": " + Failures.describe(e), e);
        }
    }

    String get(String key) {
        return values.get(key);
    }

    Path path() {
        return path;
    }
}
