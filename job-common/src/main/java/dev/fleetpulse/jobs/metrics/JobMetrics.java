package dev.fleetpulse.jobs.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Registers a job's own counters and gauges where every monitoring path finds them: in the operator's metric group
 * (Flink's reporters, the web UI, a local Prometheus scrape) and, the same metric object again, in the
 * {@value #CLOUDWATCH_GROUP} group, the only group whose metrics Amazon Managed Service for Apache Flink forwards to
 * CloudWatch. There they are metrics of namespace {@code AWS/KinesisAnalytics} under their own name, with the
 * {@code Application} dimension and the dimensions of the application's metrics level (see docs/aws-deployment.md).
 */
public final class JobMetrics {

    /** The metric group MSF forwards to CloudWatch. */
    public static final String CLOUDWATCH_GROUP = "kinesisanalytics";

    private JobMetrics() {
    }

    /** A counter named {@code name} in {@code group}, also forwarded to CloudWatch. */
    public static Counter counter(MetricGroup group, String name) {
        Counter counter = group.counter(name);
        group.addGroup(CLOUDWATCH_GROUP).counter(name, counter);
        return counter;
    }

    /**
     * A counter named {@code name} in the sub-group {@code key = value} of {@code group} (a label {@code key} for
     * Prometheus, a dimension for CloudWatch), also forwarded to CloudWatch.
     */
    public static Counter counter(MetricGroup group, String key, String value, String name) {
        Counter counter = group.addGroup(key, value).counter(name);
        group.addGroup(CLOUDWATCH_GROUP).addGroup(key, value).counter(name, counter);
        return counter;
    }

    /** A gauge named {@code name} in {@code group}, also forwarded to CloudWatch. */
    public static <T> void gauge(MetricGroup group, String name, Gauge<T> gauge) {
        group.gauge(name, gauge);
        group.addGroup(CLOUDWATCH_GROUP).gauge(name, gauge);
    }
}
