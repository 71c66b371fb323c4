package dev.fleetpulse.localstack;

/**
 * One {@link LocalVictoriaMetrics} per test class; a missing binary fails the class with the install hint.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalVictoriaMetricsExtension VICTORIA_METRICS = new LocalVictoriaMetricsExtension();
 * }</pre>
 */
public final class LocalVictoriaMetricsExtension extends ClassScopedService<LocalVictoriaMetrics> {

    @Override
    protected LocalVictoriaMetrics startService() {
        return LocalVictoriaMetrics.start();
    }

    public LocalVictoriaMetrics victoriaMetrics() {
        return service();
    }

    public String remoteWriteUrl() {
        return service().remoteWriteUrl();
    }

    public PrometheusQueryClient queryClient() {
        return service().queryClient();
    }
}
