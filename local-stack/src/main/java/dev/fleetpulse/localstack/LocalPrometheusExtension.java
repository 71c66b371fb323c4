package dev.fleetpulse.localstack;

import java.util.function.UnaryOperator;

/**
 * One {@link LocalPrometheus} per test class, configured through the builder:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension(
 *         builder -> builder.rules(Path.of("../monitoring/rules")).evaluationInterval(Duration.ofSeconds(1)));
 * }</pre>
 *
 * A missing binary fails the class with the install hint; nothing is skipped.
 */
public final class LocalPrometheusExtension extends ClassScopedService<LocalPrometheus> {

    private final UnaryOperator<LocalPrometheus.Builder> configuration;

    public LocalPrometheusExtension() {
        this(UnaryOperator.identity());
    }

    public LocalPrometheusExtension(UnaryOperator<LocalPrometheus.Builder> configuration) {
        this.configuration = configuration;
    }

    @Override
    protected LocalPrometheus startService() {
        return configuration.apply(LocalPrometheus.builder()).start();
    }

    public LocalPrometheus prometheus() {
        return service();
    }

    public String remoteWriteUrl() {
        return service().remoteWriteUrl();
    }

    public PrometheusQueryClient queryClient() {
        return service().queryClient();
    }
}
