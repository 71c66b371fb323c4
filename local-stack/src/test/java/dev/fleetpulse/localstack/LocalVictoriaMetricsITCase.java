package dev.fleetpulse.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalVictoriaMetricsITCase {

    @RegisterExtension
    static final LocalVictoriaMetricsExtension VICTORIA_METRICS = new LocalVictoriaMetricsExtension();

    @Test
    void shouldReturnExactRawSamplesWhenSeriesWasRemoteWrittenAndFlushed() throws Exception {
        long t0 = Instant.now().minusSeconds(30).toEpochMilli();
        Map<String, String> labels = Map.of("__name__", "fp_vm_test", "region", "Japan");

        RemoteWrite.send(VICTORIA_METRICS.remoteWriteUrl(), labels,
                new RemoteWrite.Sample(t0, 1), new RemoteWrite.Sample(t0 + 5_000, 2.25));
        VICTORIA_METRICS.victoriaMetrics().forceFlush();

        List<QuerySeries> raw = VICTORIA_METRICS.queryClient().rawSamples("fp_vm_test", Duration.ofMinutes(5));
        assertThat(raw).singleElement().satisfies(series -> {
            assertThat(series.labels()).isEqualTo(labels);
            assertThat(series.points()).containsExactly(
                    new QuerySeries.Point(t0, 1), new QuerySeries.Point(t0 + 5_000, 2.25));
        });
    }

    @Test
    void shouldLeaveNoProcessAndNoDirectoryAfterClose() {
        LocalVictoriaMetrics victoriaMetrics = LocalVictoriaMetrics.start();
        ProcessHandle process = victoriaMetrics.processHandle().orElseThrow();
        assertThat(process.isAlive()).isTrue();

        victoriaMetrics.close();

        assertThat(process.isAlive()).isFalse();
        assertThat(victoriaMetrics.directory()).doesNotExist();
    }
}
