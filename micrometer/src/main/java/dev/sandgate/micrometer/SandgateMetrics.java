package dev.sandgate.micrometer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import dev.sandgate.tunnel.ClientStats;
import dev.sandgate.tunnel.CommandTimeoutException;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.TimingListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for one {@link SandboxSsh}: connections and tunnels open, SSH bytes each way, re-attached tunnels,
 * certificates minted and renewed, reconnects, and connect and command latency as timers. Counts and gauges are read
 * from {@link SandboxSsh#stats()} when the registry publishes; the timers hear each connect attempt and each
 * {@code exec} through a {@link TimingListener}. No tag names a session, a host, a command or a credential: with
 * thousands of sessions every tag stays a handful of values. Tag several clients apart with the extra tags.
 *
 * <pre>{@code
 * SandboxSsh ssh = SandboxSsh.builder().apiUrl(apiUrl).token(token).build();
 * new SandgateMetrics(ssh, Tags.of("client", "orchestrator")).bindTo(registry);
 * }</pre>
 *
 * <table>
 * <caption>The meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th></tr>
 * <tr><td>{@code sandgate.connections.open}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code sandgate.tunnels.open}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code sandgate.tunnel.bytes}</td><td>function counter, bytes</td><td>{@code direction}: {@code sent},
 * {@code received}</td></tr>
 * <tr><td>{@code sandgate.tunnel.resumes}</td><td>function counter</td><td></td></tr>
 * <tr><td>{@code sandgate.certificates.minted}</td><td>function counter</td><td>{@code kind}: {@code first},
 * {@code renewal}</td></tr>
 * <tr><td>{@code sandgate.certificates.failures}</td><td>function counter</td><td></td></tr>
 * <tr><td>{@code sandgate.reconnects}</td><td>function counter</td><td>{@code outcome}: {@code success},
 * {@code failure}</td></tr>
 * <tr><td>{@code sandgate.connect}</td><td>timer</td><td>{@code outcome}: {@code success}, {@code failure};
 * {@code exception}: the failure's simple class name, or {@code none}</td></tr>
 * <tr><td>{@code sandgate.command}</td><td>timer</td><td>{@code outcome}: {@code success} (exit 0),
 * {@code nonzero_exit}, {@code timeout}, {@code failure}</td></tr>
 * </table>
 *
 * <p>Binding to several registries is allowed; each gets all meters. {@link #close()} stops the timers hearing the
 * client (the meters stay registered); closing the {@code SandboxSsh} is enough when both end together.
 */
public final class SandgateMetrics implements MeterBinder, AutoCloseable {
    private final SandboxSsh ssh;
    private final Tags tags;
    private final List<Timers> bound = new CopyOnWriteArrayList<>();
    private final TimingListener listener = new TimingListener() {
        @Override
        public void connectFinished(String sessionId, Duration took, Exception failure) {
            for (Timers timers : bound) {
                timers.connect(failure).record(took);
            }
        }

        @Override
        public void commandFinished(String sessionId, Duration took, int exitCode, Exception failure) {
            String outcome = failure instanceof CommandTimeoutException ? "timeout" : failure != null ? "failure"
                    : exitCode == 0 ? "success" : "nonzero_exit";
            for (Timers timers : bound) {
                timers.commands.get(outcome).record(took);
            }
        }
    };

    /**
     * Meters for this client, with no extra tags.
     *
     * @param ssh the client to measure
     */
    public SandgateMetrics(SandboxSsh ssh) {
        this(ssh, Tags.empty());
    }

    /**
     * Meters for this client, each with these tags too.
     *
     * @param ssh  the client to measure
     * @param tags put on every meter, e.g. to tell several clients apart; keep their values few (never a session id)
     */
    public SandgateMetrics(SandboxSsh ssh, Iterable<Tag> tags) {
        this.ssh = Objects.requireNonNull(ssh, "ssh");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        gauge(registry, "sandgate.connections.open", "connections",
                "SSH connections logged in and not yet ended", ClientStats::connectionsOpen);
        gauge(registry, "sandgate.tunnels.open", "tunnels",
                "Tunnels to the gateway carrying an SSH connection", ClientStats::tunnelsOpen);
        counters(registry, "sandgate.tunnel.bytes", BaseUnits.BYTES, "SSH bytes through tunnels", "direction",
                "sent", ClientStats::bytesSent, "received", ClientStats::bytesReceived);
        counter(registry, "sandgate.tunnel.resumes", Tags.empty(), null,
                "Dropped tunnels re-attached without losing their connection", ClientStats::tunnelsResumed);
        counters(registry, "sandgate.certificates.minted", null, "Certificates minted", "kind",
                "first", ClientStats::certificatesMinted, "renewal", ClientStats::certificatesRenewed);
        counter(registry, "sandgate.certificates.failures", Tags.empty(), null,
                "Certificate mints and renewals that failed", ClientStats::certificateFailures);
        counters(registry, "sandgate.reconnects", null, "Lost connections replaced, or given up on", "outcome",
                "success", ClientStats::reconnects, "failure", ClientStats::reconnectFailures);
        if (bound.stream().anyMatch(timers -> timers.registry == registry)) {
            return;
        }
        if (bound.isEmpty()) {
            ssh.addTimingListener(listener);
        }
        bound.add(new Timers(registry));
    }

    /**
     * Stops the timers hearing the client until the next {@link #bindTo}; the meters stay registered, and the gauges
     * and counters go on reading the client.
     */
    @Override
    public synchronized void close() {
        ssh.removeTimingListener(listener);
        bound.clear();
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
            ToDoubleFunction<ClientStats> value) {
        Gauge.builder(name, ssh, client -> value.applyAsDouble(client.stats()))
                .tags(tags).baseUnit(unit).description(description).register(registry);
    }

    /** One counter in two series, told apart by the values of one tag. */
    private void counters(MeterRegistry registry, String name, String unit, String description, String tag,
            String first, ToDoubleFunction<ClientStats> firstCount, String second,
            ToDoubleFunction<ClientStats> secondCount) {
        counter(registry, name, Tags.of(tag, first), unit, description, firstCount);
        counter(registry, name, Tags.of(tag, second), unit, description, secondCount);
    }

    private void counter(MeterRegistry registry, String name, Tags own, String unit, String description,
            ToDoubleFunction<ClientStats> value) {
        FunctionCounter.builder(name, ssh, client -> value.applyAsDouble(client.stats()))
                .tags(tags).tags(own).baseUnit(unit).description(description).register(registry);
    }

    /** The timers of one registry; a connect failure's timer is made the first time its exception type is seen. */
    private final class Timers {
        private final MeterRegistry registry;
        private final Timer connected;
        private final Map<Class<?>, Timer> connectFailures = new ConcurrentHashMap<>();
        private final Map<String, Timer> commands = new ConcurrentHashMap<>();

        Timers(MeterRegistry registry) {
            this.registry = registry;
            this.connected = connectTimer("success", "none");
            for (String outcome : List.of("success", "nonzero_exit", "timeout", "failure")) {
                commands.put(outcome, Timer.builder("sandgate.command").tags(tags).tag("outcome", outcome)
                        .description("Commands run with exec, from the call to its return").register(registry));
            }
        }

        Timer connect(Exception failure) {
            return failure == null ? connected : connectFailures.computeIfAbsent(failure.getClass(),
                    type -> connectTimer("failure", type.getSimpleName().isEmpty() ? type.getName()
                            : type.getSimpleName()));
        }

        private Timer connectTimer(String outcome, String exception) {
            return Timer.builder("sandgate.connect").tags(tags).tag("outcome", outcome).tag("exception", exception)
                    .description("Connect attempts: certificate, tunnel, SSH handshake and login")
                    .register(registry);
        }
    }
}
