package dev.sandgate.tunnel;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.apache.sshd.common.channel.PtyMode;

/**
 * The pseudo-terminal a shell or a command gets: terminal type, size in characters, and terminal modes.
 *
 * <pre>{@code
 * RemoteProcess terminal = connection.openTerminal(PtyOptions.builder()
 *         .term("xterm-256color")
 *         .size(120, 40)                      // columns, rows
 *         .mode(PtyMode.ECHO, 0)              // any terminal mode of RFC 4254, 8
 *         .build());
 * terminal.resize(160, 50);                   // when the user's window changes
 * }</pre>
 */
public final class PtyOptions {
    private final String term;
    private final int columns;
    private final int rows;
    private final Map<PtyMode, Integer> modes;

    private PtyOptions(Builder builder) {
        this.term = builder.term;
        this.columns = builder.columns;
        this.rows = builder.rows;
        this.modes = Map.copyOf(builder.modes);
    }

    /**
     * An {@code xterm-256color} terminal of 80 by 24 with the server's default modes.
     *
     * @return an {@code xterm-256color} terminal of 80 by 24 with the server's default modes
     */
    public static PtyOptions defaults() {
        return builder().build();
    }

    /** {@return a builder that starts from {@link #defaults()}} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the terminal type the shell sees as {@code TERM}; {@code xterm-256color} unless set} */
    public String term() {
        return term;
    }

    /** {@return the terminal's width in characters, 1 to 10000; 80 unless set} */
    public int columns() {
        return columns;
    }

    /** {@return the terminal's height in lines, 1 to 10000; 24 unless set} */
    public int rows() {
        return rows;
    }

    /**
     * The terminal modes asked for; those absent keep the server's defaults.
     *
     * @return the terminal modes asked for; those absent keep the server's defaults
     */
    public Map<PtyMode, Integer> modes() {
        return modes;
    }

    @Override
    public String toString() {
        return "PtyOptions{" + term + " " + columns + "x" + rows + (modes.isEmpty() ? "" : ", modes=" + modes) + "}";
    }

    /** Builds {@link PtyOptions}; each setter checks its value at once. */
    public static final class Builder {
        private String term = "xterm-256color";
        private int columns = 80;
        private int rows = 24;
        private final Map<PtyMode, Integer> modes = new EnumMap<>(PtyMode.class);

        private Builder() {
        }

        /**
         * The terminal type, as {@code TERM} (default {@code xterm-256color}).
         *
         * @param type a name the server's terminfo knows, such as {@code vt100}; no spaces or control characters
         * @return this builder
         */
        public Builder term(String type) {
            Objects.requireNonNull(type, "type");
            if (type.isEmpty() || type.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw new IllegalArgumentException("A terminal type is a word such as xterm-256color, got '" + type + "'");
            }
            this.term = type;
            return this;
        }

        /**
         * The size in characters (default 80 by 24).
         *
         * @param rows the height in lines, 1 to 10000
         * @param columns the width in characters, 1 to 10000
         * @return this builder
         */
        public Builder size(int columns, int rows) {
            this.columns = dimension(columns, "columns");
            this.rows = dimension(rows, "rows");
            return this;
        }

        /**
         * A terminal mode, e.g. {@code mode(PtyMode.ECHO, 0)} to turn echo off.
         *
         * @param mode the terminal mode to set; setting one again replaces its value
         * @param value the mode's value as RFC 4254 sends it: 0 or 1 for a flag, a character code or a speed otherwise
         * @return this builder
         */
        public Builder mode(PtyMode mode, int value) {
            modes.put(Objects.requireNonNull(mode, "mode"), value);
            return this;
        }

        /** {@return a new {@code PtyOptions} with what was given to this builder} */
        public PtyOptions build() {
            return new PtyOptions(this);
        }
    }

    static int dimension(int value, String name) {
        if (value < 1 || value > 10_000) {
            throw new IllegalArgumentException(name + " must be 1 to 10000, got " + value);
        }
        return value;
    }
}
