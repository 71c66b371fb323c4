package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.model.TimeSeries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The series of a writer subtask's {@link SelfMonitoring}, from its counters and gauges. Names after the prefix:
 *
 * <ul>
 *   <li>{@code samples_written_total}: samples the receiver took ({@code numSamplesOut});</li>
 *   <li>{@code samples_dropped_total{cause}}: given up for good, cause {@code refused} (a non-retryable answer),
 *       {@code retry_limit} (out of retries, with discard-and-continue) or {@code future} (dated too far ahead,
 *       never sent);</li>
 *   <li>{@code samples_refused_total{answer}}: refused as {@code out_of_order} or {@code duplicate}, not in the
 *       dropped count (after a restore, the normal answer to a replay);</li>
 *   <li>{@code write_requests_total}, {@code write_retries_total}, {@code write_requests_failed_total};</li>
 *   <li>gauges {@code sink_buffered_samples}, {@code sink_in_flight_requests},
 *       {@code sink_oldest_unsent_sample_age_seconds} and {@code sink_last_write_time_seconds} (epoch seconds of the
 *       last write the receiver took, 0 before the first).</li>
 * </ul>
 */
final class SinkHealth {

    /** (series name after the prefix, label name, label value or null, counter) */
    private record CounterSeries(String name, String label, String value, String counter) {
    }

    private static final List<CounterSeries> COUNTERS = List.of(
            new CounterSeries("samples_written_total", null, null, SinkMetrics.SAMPLES_OUT),
            new CounterSeries("samples_dropped_total", "cause", "refused", SinkMetrics.SAMPLES_NON_RETRYABLE_DROPPED),
            new CounterSeries("samples_dropped_total", "cause", "retry_limit", SinkMetrics.SAMPLES_RETRY_LIMIT_DROPPED),
            new CounterSeries("samples_dropped_total", "cause", "future", SinkMetrics.SAMPLES_FUTURE_DROPPED),
            new CounterSeries("samples_refused_total", "answer", "out_of_order",
                    SinkMetrics.SAMPLES_REJECTED_OUT_OF_ORDER),
            new CounterSeries("samples_refused_total", "answer", "duplicate", SinkMetrics.SAMPLES_REJECTED_DUPLICATE),
            new CounterSeries("write_requests_total", null, null, SinkMetrics.WRITE_REQUESTS_OUT),
            new CounterSeries("write_retries_total", null, null, SinkMetrics.WRITE_REQUESTS_RETRIES),
            new CounterSeries("write_requests_failed_total", null, null,
                    SinkMetrics.WRITE_REQUESTS_PERMANENTLY_FAILED));

    private final SelfMonitoring monitoring;
    private final String subtask;

    SinkHealth(SelfMonitoring monitoring, int subtask) {
        this.monitoring = monitoring;
        this.subtask = Integer.toString(subtask);
    }

    /** One sample per counter, with the given counts. */
    List<TimeSeries> counters(Map<String, Long> counts, long now) {
        List<TimeSeries> series = new ArrayList<>(COUNTERS.size());
        for (CounterSeries counter : COUNTERS) {
            TimeSeries.Builder builder = builder(counter.name());
            if (counter.label() != null) {
                builder.label(counter.label(), counter.value());
            }
            series.add(builder.sample(counts.getOrDefault(counter.counter(), 0L), now).build());
        }
        return series;
    }

    /** One sample per gauge. */
    List<TimeSeries> gauges(long bufferedSamples, long inFlightRequests, long oldestUnsentAgeMillis,
                            long lastWriteMillis, long now) {
        return List.of(
                builder("sink_buffered_samples").sample(bufferedSamples, now).build(),
                builder("sink_in_flight_requests").sample(inFlightRequests, now).build(),
                builder("sink_oldest_unsent_sample_age_seconds").sample(oldestUnsentAgeMillis / 1000.0, now).build(),
                builder("sink_last_write_time_seconds").sample(lastWriteMillis / 1000.0, now).build());
    }

    private TimeSeries.Builder builder(String name) {
        TimeSeries.Builder builder = TimeSeries.builder(monitoring.seriesPrefix() + name)
                .label(SelfMonitoring.SUBTASK, subtask);
        monitoring.labels().forEach(builder::label);
        return builder;
    }
}
