package dev.sandgate.cli;

import java.util.Locale;

import dev.sandgate.cert.Visible;

/**
 * Which service a command reaches: Sandgate's own gateway contract (the default), or Tenki's sandboxes. Chosen by
 * {@code --provider}, else {@code SANDGATE_PROVIDER}, else {@code provider=} in the config file.
 */
enum Provider {
    SANDGATE,
    TENKI;

    /** The environment variable that chooses the provider when no option does. */
    static final String ENV = "SANDGATE_PROVIDER";

    static Provider parse(String name) {
        for (Provider provider : values()) {
            if (provider.optionValue().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return provider;
            }
        }
        throw new SettingsException("Unknown provider '" + Visible.of(name) + "': use sandgate or tenki");
    }

    /** The name as {@code --provider} takes it. */
    String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
