package dev.fleetpulse.prometheus.writer;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sink writing its own health to the endpoint it writes to, as ordinary series: for a deployment where nothing
 * scrapes the job (Amazon Managed Service for Apache Flink with AMP), the only way its dashboards can see whether
 * the sink keeps up. Each writer subtask writes series named {@code <prefix><name>} with the given labels plus
 * {@code subtask}; see {@link SinkHealth} for the series.
 *
 * @param seriesPrefix prepended to every series name, e.g. {@code fleetpulse_pipeline_}
 * @param labels on every series, e.g. {@code job=pre-processor}
 */
public record SelfMonitoring(String seriesPrefix, Map<String, String> labels) implements Serializable {

    /** The label that tells the writer subtasks apart. */
    public static final String SUBTASK = "subtask";

    public SelfMonitoring {
        labels = Map.copyOf(new TreeMap<>(labels));
    }
}
